package io.farthing.notify.webhook;

import io.farthing.notify.support.Events;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesRequest;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small builders for webhook tests: a partner with the manage scope, its endpoints, its events. */
public final class Hooks {
  private Hooks() {}

  public static String aPartner() {
    return "shop-" + UUID.randomUUID();
  }

  public static WebhooksGrpc.WebhooksBlockingStub as(WebhooksGrpc.WebhooksBlockingStub stub, String partner) {
    return Grpc.withToken(stub, TestTokens.client(partner, "webhooks:manage"));
  }

  public static CreateWebhookEndpointResponse anEndpoint(
      WebhooksGrpc.WebhooksBlockingStub stub, String partner, String url, String... types) {
    return as(stub, partner)
        .createEndpoint(CreateWebhookEndpointRequest.newBuilder().setUrl(url).addAllEventTypes(List.of(types)).build());
  }

  public static CreateWebhookEndpointResponse aDigestEndpoint(
      WebhooksGrpc.WebhooksBlockingStub stub, String partner, String url, Duration window) {
    return as(stub, partner)
        .createEndpoint(
            CreateWebhookEndpointRequest.newBuilder()
                .setUrl(url)
                .setDeliveryMode(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST)
                .setDigestWindow(com.google.protobuf.util.Durations.fromMillis(window.toMillis()))
                .build());
  }

  /** Publishes a charge event of {@code partner} with its ordering key and sequence; returns it. */
  public static Event publish(NotifyGrpc.NotifyBlockingStub notify, String partner, String type, String key, long seq) {
    Event event =
        Events.event(type, UUID.randomUUID(), partner, key, seq, new JsonObject().put("amountMinor", 120 + seq).put("currency", "EUR").put("seq", seq));
    Events.asPublisher(notify).publish(Events.publishing(event));
    return event;
  }

  public static Event publish(NotifyGrpc.NotifyBlockingStub notify, String partner) {
    return publish(notify, partner, "charge.succeeded", "charge:" + UUID.randomUUID(), 1);
  }

  public static List<WebhookDelivery> deliveries(WebhooksGrpc.WebhooksBlockingStub stub, String partner, String endpointId) {
    return as(stub, partner)
        .listDeliveries(ListWebhookDeliveriesRequest.newBuilder().setEndpointId(endpointId).setPageSize(100).build())
        .getDeliveriesList();
  }

  /** Polls until {@code condition} holds; fails after {@code timeout}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public static <T> T awaitValue(String what, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> done) {
    Object[] last = new Object[1];
    await(what, timeout, () -> {
      T v = value.get();
      last[0] = v;
      return done.test(v);
    });
    @SuppressWarnings("unchecked")
    T result = (T) last[0];
    return result;
  }
}
