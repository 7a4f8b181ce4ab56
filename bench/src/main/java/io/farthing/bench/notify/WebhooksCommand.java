package io.farthing.bench.notify;

import com.google.protobuf.Duration;
import io.farthing.bench.auth.BenchTokens;
import io.farthing.bench.load.LoadOptions;
import io.farthing.bench.load.LoadRunner;
import io.farthing.bench.load.Report;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Webhook deliveries per second to a local receiver, and the time from Publish to the signed
 * delivery's arrival: see docs/benchmarks/notify-webhooks.md. Registers one endpoint of a partner
 * of its own at a receiver it runs on loopback, publishes charge.succeeded events for that
 * partner (the load: open or closed loop, Publish latency as the "calls"), and counts what the
 * receiver verifies and gets; after the run it waits for the backlog to drain.
 */
@Command(
    name = "notify-webhooks",
    mixinStandardHelpOptions = true,
    description = "Benchmark notify-svc: Publish → signed webhook deliveries to a local receiver.")
public class WebhooksCommand implements Callable<Integer> {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Mixin LoadOptions load;

  @Option(names = "--target", defaultValue = "127.0.0.1:8104", description = "notify-svc's gRPC address (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--channels", defaultValue = "2", description = "HTTP/2 connections for Publish (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--users", defaultValue = "1000", description = "Distinct users the events are about (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--jwt-key-dir", required = true,
      description = "Sign the publisher's and the partner's tokens with the key here (made, with jwks.json, if absent).")
  Path jwtKeyDir;

  @Option(names = "--receiver-port", defaultValue = "0", description = "The receiver's port on 127.0.0.1 (default: any free one).")
  int receiverPort;

  @Option(names = "--receiver-threads", defaultValue = "16", description = "Threads answering deliveries (default: ${DEFAULT-VALUE}).")
  int receiverThreads;

  @Option(names = "--digest-window", description = "Register a digest endpoint with this window in seconds instead of per-event deliveries.")
  Integer digestWindowSeconds;

  @Option(names = "--drain-timeout", defaultValue = "180", description = "Seconds to wait after the run for every event's delivery (default: ${DEFAULT-VALUE}).")
  int drainTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    String runId = UUID.randomUUID().toString().substring(0, 8);
    String partner = "bench-hooks-" + runId;
    BenchTokens tokens = BenchTokens.in(jwtKeyDir);
    java.time.Duration ttl = load.warmup.plus(load.duration).plusSeconds(drainTimeoutSeconds).plusMinutes(5);
    String publisherToken = tokens.client("payments-svc", ttl, "notify:publish");
    String partnerToken = tokens.client(partner, ttl, "webhooks:manage");

    try (WebhookReceiver receiver = WebhookReceiver.start(receiverPort, receiverThreads)) {
      String endpointId;
      try {
        CreateWebhookEndpointResponse created = register(partnerToken, receiver.url());
        receiver.trust(created.getSigningSecret());
        endpointId = created.getEndpoint().getEndpointId();
      } catch (StatusRuntimeException e) {
        System.err.printf("notify-svc at %s refused the endpoint %s: %s (is http to 127.0.0.1 allowed there?)%n",
            target, receiver.url(), e.getStatus());
        return 2;
      }
      System.err.printf("endpoint %s → %s (%s)%n", endpointId, receiver.url(),
          digestWindowSeconds == null ? "per event" : "digest every " + digestWindowSeconds + " s");

      LoadRunner.Outcome outcome;
      try (PublishTarget publish = new PublishTarget(target, channels, publisherToken, partner, users, load.deadline)) {
        outcome = new LoadRunner(load.plan(), publish).run();
      }
      long accepted = outcome.warmup().ok() + outcome.measured().ok();
      long measureFrom = (outcome.startedAtEpochMillis() + load.warmup.toMillis()) / 1000;
      long measureTo = measureFrom + Math.max(1, outcome.measuredNanos() / 1_000_000_000L);
      long drainStart = System.nanoTime();
      long deadline = drainStart + TimeUnit.SECONDS.toNanos(drainTimeoutSeconds);
      while (receiver.events() < accepted && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      long inWindow = receiver.eventsBetween(measureFrom, measureTo);

      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("target", target);
      settings.put("channels", channels);
      settings.put("users", users);
      settings.put("mode", digestWindowSeconds == null ? "per-event" : "digest");
      settings.put("digestWindowSeconds", digestWindowSeconds);
      settings.put("receiverThreads", receiverThreads);
      settings.put("runId", runId);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("eventsAccepted", accepted);
      details.put("eventsDelivered", receiver.events());
      details.put("allDelivered", receiver.events() >= accepted);
      details.put("deliveredEventsPerSecondInMeasuredWindow", Math.round(inWindow * 10.0 / (measureTo - measureFrom)) / 10.0);
      details.put("drainSecondsAfterRun", Math.round(drainSeconds * 10) / 10.0);
      details.put("receiver", receiver.figures());
      details.put("note", "Publish latency is the report's latency; publishToDelivery is Publish sent → signed delivery verified at the receiver");

      Report report = Report.of("notify-webhooks", settings, outcome, details, load.sloP99);
      System.out.print(report.summary());
      System.out.printf("  delivered   %,d of %,d events (%.1f/s in the measured window), backlog drained %.1f s after the run%n",
          receiver.events(), accepted, (double) inWindow / (measureTo - measureFrom), drainSeconds);
      System.out.printf("  delivery    %s%n", receiver.figures().get("publishToDelivery"));
      if (load.out != null) {
        report.write(load.out);
        System.out.println("  report      " + load.out);
      }
      return receiver.events() >= accepted ? 0 : 3;
    }
  }

  private CreateWebhookEndpointResponse register(String partnerToken, String url) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + partnerToken);
      CreateWebhookEndpointRequest.Builder request =
          CreateWebhookEndpointRequest.newBuilder()
              .setUrl(url)
              .addEventTypes("charge.succeeded")
              .setDescription("bench notify-webhooks");
      if (digestWindowSeconds != null) {
        request.setDeliveryMode(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST)
            .setDigestWindow(Duration.newBuilder().setSeconds(digestWindowSeconds));
      }
      return WebhooksGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createEndpoint(request.build());
    } finally {
      channel.shutdownNow();
    }
  }
}
