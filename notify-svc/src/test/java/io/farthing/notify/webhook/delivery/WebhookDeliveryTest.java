package io.farthing.notify.webhook.delivery;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.as;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.notify.support.Events;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.NodeVerifier;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.RotateWebhookSecretRequest;
import io.farthing.proto.notify.v1.UpdateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** An event reaches the partner's endpoint signed, once, quickly, and only where it should. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookDeliveryTest {
  private static final Logger LOG = Logger.getLogger(WebhookDeliveryTest.class);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;

  @Test
  void deliversASignedStandardWebhookThatAnIndependentReceiverVerifies() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse endpoint = anEndpoint(webhooks, partner, receiver.url(), "charge.succeeded");
      Event event = Events.chargeSucceeded(UUID.randomUUID(), partner, 120, 3);
      Instant published = Instant.now();

      Events.asPublisher(notify).publish(Events.publishing(event));
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);

      Receiver.Request got = receiver.requests().get(0);
      long latencyMs = Duration.between(published, got.at()).toMillis();
      LOG.infof("Publish to webhook arrival: %d ms", latencyMs);
      assertTrue(latencyMs < 5000, "well within a second in practice; generous bound: " + latencyMs);
      assertEquals(event.getEventId(), got.header("webhook-id"));
      assertEquals("application/json", got.header("content-type"));
      assertTrue(Math.abs(Long.parseLong(got.header("webhook-timestamp")) - Instant.now().getEpochSecond()) < 30);
      assertTrue(got.header("webhook-signature").matches("v1,[A-Za-z0-9+/=]+"), got.header("webhook-signature"));
      JsonObject body = new JsonObject(got.text());
      assertEquals("charge.succeeded", body.getString("type"));
      assertNotNull(Instant.parse(body.getString("timestamp")));
      assertEquals(120L, body.getJsonObject("data").getLong("amountMinor"));
      assertEquals(partner, body.getJsonObject("data").getString("partnerClientId"));

      assertTrue(new StandardWebhooksVerifier(endpoint.getSigningSecret()).verify(got));
      if (NodeVerifier.available()) {
        assertTrue(NodeVerifier.verify(endpoint.getSigningSecret(), got), "node's crypto verifies it too");
      }

      await("the log to say delivered", WAIT, () -> deliveries(webhooks, partner, endpoint.getEndpoint().getEndpointId())
          .get(0).getStatus() == WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED);
      WebhookDelivery logged = deliveries(webhooks, partner, endpoint.getEndpoint().getEndpointId()).get(0);
      assertEquals(List.of(event.getEventId()), logged.getEventIdsList());
      assertEquals(1, logged.getAttemptsCount());
      assertTrue(logged.getAttempts(0).getHttpStatus() == 204);
      assertEquals("", logged.getAttempts(0).getErrorClass());
    }
  }

  @Test
  void aRepeatedPublishOfTheSameEventMakesNoSecondDelivery() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      String endpointId = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      Event event = Events.chargeSucceeded(UUID.randomUUID(), partner, 50, 1);

      Events.asPublisher(notify).publish(Events.publishing(event));
      Events.asPublisher(notify).publish(Events.publishing(event));
      await("the delivery", WAIT, () -> receiver.requests().size() >= 1);
      Events.asPublisher(notify).publish(Events.publishing(event));
      sleep(400);

      assertEquals(1, receiver.requests().size());
      assertEquals(1, count("select count(*) from webhook_deliveries where endpoint_id = $1", UUID.fromString(endpointId)));
    }
  }

  @Test
  void onlyEnabledEndpointsOfThatPartnerSubscribedToTheTypeReceiveIt() {
    try (Receiver all = Receiver.local(); Receiver refunds = Receiver.local(); Receiver off = Receiver.local();
        Receiver stranger = Receiver.local()) {
      String partner = aPartner();
      anEndpoint(webhooks, partner, all.url());
      anEndpoint(webhooks, partner, refunds.url(), "charge.refunded");
      String offId = anEndpoint(webhooks, partner, off.url()).getEndpoint().getEndpointId();
      as(webhooks, partner).updateEndpoint(UpdateWebhookEndpointRequest.newBuilder().setEndpointId(offId).setEnabled(false).build());
      anEndpoint(webhooks, aPartner(), stranger.url());

      publish(notify, partner, "charge.succeeded", "charge:" + UUID.randomUUID(), 1);
      await("the subscribed endpoint", WAIT, () -> all.requests().size() == 1);
      sleep(300);

      assertEquals(0, refunds.requests().size(), "not subscribed to charge.succeeded");
      assertEquals(0, off.requests().size(), "disabled");
      assertEquals(0, stranger.requests().size(), "another partner's");
      assertEquals(0, count("select count(*) from webhook_deliveries where endpoint_id = $1", UUID.fromString(offId)),
          "a disabled endpoint gets no delivery rows");
    }
  }

  @Test
  void duringARotationEachDeliveryCarriesBothSignaturesThenOnlyTheNewOne() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse endpoint = anEndpoint(webhooks, partner, receiver.url());
      String old = endpoint.getSigningSecret();
      String fresh =
          as(webhooks, partner)
              .rotateSecret(
                  RotateWebhookSecretRequest.newBuilder()
                      .setEndpointId(endpoint.getEndpoint().getEndpointId())
                      .setOverlap(com.google.protobuf.util.Durations.fromMillis(1500))
                      .build())
              .getSigningSecret();

      publish(notify, partner);
      await("the delivery during the overlap", WAIT, () -> receiver.requests().size() == 1);
      Receiver.Request during = receiver.requests().get(0);

      assertEquals(2, during.header("webhook-signature").split(" ").length);
      assertTrue(new StandardWebhooksVerifier(old).verify(during), "a receiver still on the old secret");
      assertTrue(new StandardWebhooksVerifier(fresh).verify(during), "a receiver already on the new secret");
      if (NodeVerifier.available()) {
        assertTrue(NodeVerifier.verify(old, during));
        assertTrue(NodeVerifier.verify(fresh, during));
      }

      sleep(1600);
      publish(notify, partner);
      await("the delivery after the overlap", WAIT, () -> receiver.requests().size() == 2);
      Receiver.Request after = receiver.requests().get(1);

      assertEquals(1, after.header("webhook-signature").split(" ").length);
      assertTrue(new StandardWebhooksVerifier(fresh).verify(after));
      assertFalse(new StandardWebhooksVerifier(old).verify(after), "the old secret no longer signs");
    }
  }

  @Test
  void aRedirectIsNeverFollowedAndCountsAsAFailedAttempt() {
    try (Receiver internal = Receiver.on("127.0.0.2"); Receiver redirecting = Receiver.local()) {
      // 127.0.0.1 is allowed in tests, 127.0.0.2 is not: it stands for a service inside the network.
      redirecting.answering(n -> Receiver.Answer.redirect(internal.url()));
      String partner = aPartner();
      String endpointId = anEndpoint(webhooks, partner, redirecting.url()).getEndpoint().getEndpointId();

      publish(notify, partner);
      await("the first attempt to be logged", WAIT, () -> !deliveries(webhooks, partner, endpointId).isEmpty()
          && deliveries(webhooks, partner, endpointId).get(0).getAttemptsCount() >= 1);
      sleep(300);

      WebhookDelivery d = deliveries(webhooks, partner, endpointId).get(0);
      assertEquals(302, d.getAttempts(0).getHttpStatus());
      assertEquals("REDIRECT_NOT_FOLLOWED", d.getAttempts(0).getErrorClass());
      assertTrue(redirecting.requests().size() >= 1);
      assertEquals(0, internal.requests().size(), "the redirect target was never contacted");
    }
  }

  @Test
  void anEndpointRebindingToAnInternalAddressIsRefusedAtDeliveryTime() {
    try (Receiver internal = Receiver.on("127.0.0.2")) {
      String partner = aPartner();
      String endpointId = anEndpoint(webhooks, partner, "http://127.0.0.1:9/hooks").getEndpoint().getEndpointId();
      // What a DNS rebinding amounts to: the name passed the check at registration, and later
      // leads somewhere internal. The delivery-time check sees the new address.
      pool.preparedQuery("update webhook_endpoints set url = $2 where id = $1")
          .executeAndAwait(Tuple.of(UUID.fromString(endpointId), internal.url()));

      publish(notify, partner);
      await("the refused attempt", WAIT, () -> !deliveries(webhooks, partner, endpointId).isEmpty()
          && deliveries(webhooks, partner, endpointId).get(0).getAttemptsCount() >= 1);

      WebhookDelivery d = deliveries(webhooks, partner, endpointId).get(0);
      assertEquals("URL_NOT_ALLOWED", d.getAttempts(0).getErrorClass());
      assertEquals(0, d.getAttempts(0).getHttpStatus());
      assertEquals(0, internal.requests().size());
    }
  }

  @Test
  void connectsToTheCheckedAddressButPresentsTheEndpointsHostName() throws Exception {
    // Tests allow only 127.0.0.1: where localhost also resolves to ::1 registration refuses it.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.util.Arrays.stream(java.net.InetAddress.getAllByName("localhost"))
            .allMatch(a -> a.getHostAddress().equals("127.0.0.1")),
        "localhost resolves to more than 127.0.0.1 here");
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      String url = receiver.url().replace("127.0.0.1", "localhost");
      anEndpoint(webhooks, partner, url);

      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);

      String port = url.replaceAll("^http://localhost:(\\d+)/.*$", "$1");
      assertEquals("localhost:" + port, receiver.requests().get(0).header("host"));
      assertEquals("/hooks", receiver.requests().get(0).path());
    }
  }

  @Test
  void aDeliveryHeldByACrashedReplicaIsSentOnceItsLeaseRunsOut() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      String endpointId = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      UUID event = UUID.randomUUID();
      UUID delivery = io.farthing.common.Ids.newId();
      // A replica took this delivery (lease for 1.5 s more) and died before sending it.
      pool.preparedQuery(
              "insert into events (event_id, type, partner_client_id, ordering_key, sequence, occurred_at, data, publisher)"
                  + " values ($1, 'charge.succeeded', $2, 'charge:x', 1, now(), '{\"amountMinor\": 5}'::jsonb, 'payments-svc')")
          .executeAndAwait(Tuple.of(event, partner));
      pool.preparedQuery(
              "insert into webhook_deliveries (id, endpoint_id, kind, event_id, ordering_key, event_sequence, status,"
                  + " next_attempt_at, lease_token, lease_until) values ($1, $2, 'PER_EVENT', $3, 'charge:x', 1, 'PENDING',"
                  + " now(), $4, now() + interval '1500 milliseconds')")
          .executeAndAwait(Tuple.of(delivery, UUID.fromString(endpointId), event, UUID.randomUUID()));
      Instant leased = Instant.now();

      await("the orphaned delivery", WAIT, () -> receiver.requests().size() == 1);

      assertTrue(Duration.between(leased, receiver.requests().get(0).at()).toMillis() >= 1000,
          "not taken while another replica's lease held it");
      assertEquals(event.toString(), receiver.requests().get(0).header("webhook-id"));
      await("recorded as delivered", WAIT, () -> deliveries(webhooks, partner, endpointId).get(0).getStatus()
          == WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED);
    }
  }

  private long count(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next().getLong(0);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
