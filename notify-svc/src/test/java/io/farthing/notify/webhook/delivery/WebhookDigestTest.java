package io.farthing.notify.webhook.delivery;

import static io.farthing.notify.webhook.Hooks.aDigestEndpoint;
import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A digest endpoint gets one signed POST per window with the window's events in order. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookDigestTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Test
  void eventsWithinAWindowArriveAsOneSignedPostInOrder() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse endpoint = aDigestEndpoint(webhooks, partner, receiver.url(), Duration.ofMillis(1500));
      String id = endpoint.getEndpoint().getEndpointId();
      assertEquals(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST, endpoint.getEndpoint().getDeliveryMode());

      List<String> published = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        Event e = publish(notify, partner, "charge.succeeded", "charge:" + UUID.randomUUID(), i);
        published.add(e.getEventId());
      }
      assertEquals(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_COLLECTING, deliveries(webhooks, partner, id).get(0).getStatus());
      await("the digest", WAIT, () -> receiver.requests().size() == 1);
      WebhookDeliveryTest.sleep(300);

      assertEquals(1, receiver.requests().size(), "one POST for the whole window");
      Receiver.Request got = receiver.requests().get(0);
      JsonObject body = new JsonObject(got.text());
      assertEquals("digest", body.getString("type"));
      JsonArray events = body.getJsonArray("events");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        ids.add(events.getJsonObject(i).getString("id"));
        assertEquals("charge.succeeded", events.getJsonObject(i).getString("type"));
        assertEquals(i + 1L, events.getJsonObject(i).getJsonObject("data").getLong("seq"));
      }
      assertEquals(published, ids);
      assertTrue(new StandardWebhooksVerifier(endpoint.getSigningSecret()).verify(got));
      WebhookDelivery batch = deliveries(webhooks, partner, id).get(0);
      assertEquals(batch.getDeliveryId(), got.header("webhook-id"), "a digest's webhook-id is its batch id");
      assertEquals(published, batch.getEventIdsList());
      assertNotEquals(published.get(0), got.header("webhook-id"));

      Event later = publish(notify, partner);
      await("the next window's digest", WAIT, () -> receiver.requests().size() == 2);
      JsonArray next = new JsonObject(receiver.requests().get(1).text()).getJsonArray("events");
      assertEquals(1, next.size());
      assertEquals(later.getEventId(), next.getJsonObject(0).getString("id"));
    }
  }

  @Test
  void aFailingDigestIsRetriedAsOneDelivery() {
    try (Receiver receiver = Receiver.local().failingFirst(1, 500)) {
      String partner = aPartner();
      CreateWebhookEndpointResponse endpoint = aDigestEndpoint(webhooks, partner, receiver.url(), Duration.ofMillis(300));
      publish(notify, partner);
      publish(notify, partner);

      await("the retried digest", WAIT, () -> receiver.requests().size() == 2);

      assertEquals(receiver.requests().get(0).text(), receiver.requests().get(1).text());
      assertEquals(receiver.requests().get(0).header("webhook-id"), receiver.requests().get(1).header("webhook-id"));
      assertEquals(2, new JsonObject(receiver.requests().get(1).text()).getJsonArray("events").size());
      await("delivered", WAIT, () -> deliveries(webhooks, partner, endpoint.getEndpoint().getEndpointId()).get(0).getStatus()
          == WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED);
    }
  }
}
