package io.farthing.bench.notify;

import io.farthing.proto.notify.v1.Alert;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.StreamAlertsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Capture-to-alert, as a person sees it: holds one {@code Notify/StreamAlerts} stream per watched
 * user (with the user's own access token, like a partner app showing alerts in-app) and records,
 * for every charge.succeeded alert, the time from the event's occurrence at payments-svc
 * ({@code Alert.event_occurred_at}: the money transaction's time) to the alert's arrival here.
 * {@link #interval} hands out what was recorded since the previous call, one figure set per run.
 */
public final class AlertWatch implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final Recorder latencyMicros = new Recorder(3_600_000_000L, 3);
  private final AtomicLong alerts = new AtomicLong();
  private final AtomicLong otherAlerts = new AtomicLong();
  private final Map<String, AtomicLong> streamEnds = new ConcurrentHashMap<>();
  private long alertsAtLastInterval;
  private long otherAtLastInterval;

  private AlertWatch(ManagedChannel channel) {
    this.channel = channel;
  }

  /** Opens a stream for every user of {@code accessTokens} (user id → that user's access token). */
  public static AlertWatch open(String notifyHostPort, Map<UUID, String> accessTokens) {
    AlertWatch watch = new AlertWatch(NettyChannelBuilder.forTarget(notifyHostPort).usePlaintext().build());
    accessTokens.forEach(watch::subscribe);
    return watch;
  }

  private void subscribe(UUID user, String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    NotifyGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .streamAlerts(
            StreamAlertsRequest.newBuilder().setUserId(user.toString()).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(Alert alert) {
                if (!alert.getEventType().equals("charge.succeeded") || !alert.hasEventOccurredAt()) {
                  otherAlerts.incrementAndGet();
                  return;
                }
                Instant now = Instant.now();
                long micros = (now.getEpochSecond() - alert.getEventOccurredAt().getSeconds()) * 1_000_000
                    + (now.getNano() - alert.getEventOccurredAt().getNanos()) / 1_000;
                latencyMicros.recordValue(Math.max(0, Math.min(micros, 3_600_000_000L)));
                alerts.incrementAndGet();
              }

              @Override
              public void onError(Throwable t) {
                streamEnds.computeIfAbsent(Status.fromThrowable(t).getCode().name(), k -> new AtomicLong()).incrementAndGet();
              }

              @Override
              public void onCompleted() {
                streamEnds.computeIfAbsent("COMPLETED", k -> new AtomicLong()).incrementAndGet();
              }
            });
  }

  /** The figures recorded since the previous call (the first call: since the streams opened). */
  public synchronized Map<String, Object> interval() {
    Histogram h = latencyMicros.getIntervalHistogram();
    long total = alerts.get();
    long other = otherAlerts.get();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("chargeAlerts", total - alertsAtLastInterval);
    f.put("otherAlerts", other - otherAtLastInterval);
    alertsAtLastInterval = total;
    otherAtLastInterval = other;
    f.put("p50Millis", h.getValueAtPercentile(50) / 1000.0);
    f.put("p95Millis", h.getValueAtPercentile(95) / 1000.0);
    f.put("p99Millis", h.getValueAtPercentile(99) / 1000.0);
    f.put("maxMillis", h.getMaxValue() / 1000.0);
    Map<String, Long> ends = new LinkedHashMap<>();
    streamEnds.forEach((k, v) -> ends.put(k, v.get()));
    f.put("streamsEndedSoFar", ends);
    f.put("measuredFrom", "Alert.event_occurred_at (payments-svc's money transaction) to arrival on the stream");
    return f;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
