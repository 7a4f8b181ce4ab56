package io.farthing.notify.webhook.delivery;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.as;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.notify.event.EventTypes;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.GetWebhookEndpointRequest;
import io.farthing.proto.notify.v1.ListWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.ReplayWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.ReplayWebhookDeliveryRequest;
import io.farthing.proto.notify.v1.UpdateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryAttempt;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhookEndpoint;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Failing endpoints: retried with backoff (%test: 20 ms doubling to 200 ms, 4 attempts), parked,
 * replayed, disabled when they keep failing; a key's events stay in order throughout.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final WebhookDeliveryStatus DELIVERED = WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED;
  private static final WebhookDeliveryStatus PARKED = WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PARKED;

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;

  @Inject MockMailbox mailbox;

  @Test
  void retriesAFailingEndpointWithBackoffAndDeliversOnceItAccepts() {
    try (Receiver receiver = Receiver.local().failingFirst(3, 503)) {
      String partner = aPartner();
      CreateWebhookEndpointResponse endpoint = anEndpoint(webhooks, partner, receiver.url());
      String id = endpoint.getEndpoint().getEndpointId();
      Event event = publish(notify, partner);

      WebhookDelivery d = awaitStatus(partner, id, DELIVERED);
      sleep(300);

      assertEquals(4, receiver.requests().size(), "three failures, one success, nothing after");
      assertEquals(List.of(503, 503, 503, 204), d.getAttemptsList().stream().map(WebhookDeliveryAttempt::getHttpStatus).toList());
      assertEquals(List.of("HTTP_STATUS", "HTTP_STATUS", "HTTP_STATUS", ""),
          d.getAttemptsList().stream().map(WebhookDeliveryAttempt::getErrorClass).toList());
      assertEquals(List.of(1, 2, 3, 4), d.getAttemptsList().stream().map(WebhookDeliveryAttempt::getAttemptNumber).toList());
      assertEquals(4, d.getAttemptCount());
      for (Receiver.Request r : receiver.requests()) {
        assertEquals(event.getEventId(), r.header("webhook-id"), "the same id on every retry, so receivers can dedupe");
        assertEquals(receiver.requests().get(0).text(), r.text(), "the same body on every retry");
        assertTrue(new StandardWebhooksVerifier(endpoint.getSigningSecret()).verify(r));
      }
      // Backoff: each wait is at most its ceiling (20, 40, 80 ms under full jitter) plus scheduling slack.
      List<Receiver.Request> rs = receiver.requests();
      for (int i = 1; i < rs.size(); i++) {
        long gapMs = Duration.between(rs.get(i - 1).at(), rs.get(i).at()).toMillis();
        assertTrue(gapMs < 20L * (1 << (i - 1)) + 1500, "gap " + i + ": " + gapMs);
      }
    }
  }

  @Test
  void aTimeoutIsAFailedAttemptRecordedAsSuch() {
    try (Receiver receiver = Receiver.local().answering(n -> n == 1 ? Receiver.Answer.slow(2500) : Receiver.Answer.ok())) {
      String partner = aPartner();
      String id = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      publish(notify, partner);

      WebhookDelivery d = awaitStatus(partner, id, DELIVERED);

      assertEquals("TIMEOUT", d.getAttempts(0).getErrorClass());
      assertEquals(0, d.getAttempts(0).getHttpStatus());
      assertTrue(d.getAttempts(0).getLatencyMs() >= 900, "cut at the 1 s test timeout: " + d.getAttempts(0).getLatencyMs());
      assertEquals(204, d.getAttempts(1).getHttpStatus());
    }
  }

  @Test
  void parksADeliveryAfterTheLastAttemptAndReplaysItOnRequest() {
    try (Receiver receiver = Receiver.local().answering(n -> Receiver.Answer.status(500))) {
      String partner = aPartner();
      String id = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      Event event = publish(notify, partner);

      WebhookDelivery parked = awaitStatus(partner, id, PARKED);
      sleep(300);

      assertEquals(4, receiver.requests().size(), "max-attempts is 4 in tests");
      assertEquals(4, parked.getAttemptsCount());
      assertTrue(parked.getParkedReason().startsWith("Retries exhausted after 4 attempts"), parked.getParkedReason());
      List<WebhookDelivery> dead =
          deadLetters(partner, id);
      assertEquals(List.of(parked.getDeliveryId()), dead.stream().map(WebhookDelivery::getDeliveryId).toList());

      receiver.answering(n -> Receiver.Answer.ok());
      WebhookDelivery replayed =
          as(webhooks, partner).replayDelivery(ReplayWebhookDeliveryRequest.newBuilder().setDeliveryId(parked.getDeliveryId()).build());
      assertEquals(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PENDING, replayed.getStatus());

      WebhookDelivery delivered = awaitStatus(partner, id, DELIVERED);
      assertEquals(5, delivered.getAttemptsCount(), "the log keeps the first cycle's attempts");
      WebhookDeliveryAttempt last = delivered.getAttempts(4);
      assertEquals(1, last.getCycle());
      assertEquals(1, last.getAttemptNumber());
      assertEquals(204, last.getHttpStatus());
      assertEquals(event.getEventId(), receiver.requests().get(4).header("webhook-id"));
      assertTrue(deadLetters(partner, id).isEmpty());
      assertEquals("DELIVERY_PENDING", replayRefusal(partner, delivered.getDeliveryId(), receiver));
    }
  }

  @Test
  void replaysEveryParkedDeliveryOfAnEndpoint() {
    try (Receiver receiver = Receiver.local().answering(n -> Receiver.Answer.status(502))) {
      String partner = aPartner();
      String id = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      Event one = publish(notify, partner);
      Event two = publish(notify, partner);
      await("both parked", WAIT, () -> deliveries(webhooks, partner, id).stream().filter(d -> d.getStatus() == PARKED).count() == 2);

      receiver.answering(n -> Receiver.Answer.ok());
      int replayed =
          as(webhooks, partner).replayDeadLetters(ReplayWebhookDeadLettersRequest.newBuilder().setEndpointId(id).build()).getReplayed();

      assertEquals(2, replayed);
      await("both delivered", WAIT, () -> deliveries(webhooks, partner, id).stream().allMatch(d -> d.getStatus() == DELIVERED));
      List<String> accepted = receiver.requests().subList(8, receiver.requests().size()).stream().map(r -> r.header("webhook-id")).toList();
      assertTrue(accepted.containsAll(List.of(one.getEventId(), two.getEventId())), accepted.toString());
    }
  }

  @Test
  void aKeysLaterEventWaitsUntilTheEarlierOneIsDeliveredEvenUnderRetries() {
    String key = "charge:" + UUID.randomUUID();
    try (Receiver receiver =
        Receiver.local().answering(n -> n <= 2 ? Receiver.Answer.status(503) : Receiver.Answer.ok())) {
      String partner = aPartner();
      String id = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      publish(notify, partner, "charge.authorized", key, 1);
      publish(notify, partner, "charge.succeeded", key, 2);
      publish(notify, partner, "charge.refunded", key, 3);

      await("all three delivered", WAIT, () -> deliveries(webhooks, partner, id).size() == 3
          && deliveries(webhooks, partner, id).stream().allMatch(d -> d.getStatus() == DELIVERED));

      List<Long> order = new ArrayList<>();
      for (Receiver.Request r : receiver.requests()) {
        order.add(new JsonObject(r.text()).getJsonObject("data").getLong("seq"));
      }
      assertEquals(List.of(1L, 1L, 1L, 2L, 3L), order, "seq 1 failed twice and nothing overtook it");
    }
  }

  @Test
  void anEndpointThatKeepsFailingIsDisabledItsWorkParkedAndThePartnerTold() {
    try (Receiver failing = Receiver.local().answering(n -> Receiver.Answer.status(500)); Receiver ops = Receiver.local()) {
      String partner = aPartner();
      String email = "ops+" + UUID.randomUUID() + "@shop.example";
      WebhookEndpoint endpoint =
          as(webhooks, partner)
              .createEndpoint(CreateWebhookEndpointRequest.newBuilder().setUrl(failing.url()).setContactEmail(email).build())
              .getEndpoint();
      anEndpoint(webhooks, partner, ops.url(), EventTypes.WEBHOOK_ENDPOINT_DISABLED);
      UUID id = UUID.fromString(endpoint.getEndpointId());

      for (int i = 0; i < 3; i++) {
        publish(notify, partner);
      }
      await("the endpoint disabled", WAIT, () -> !get(partner, endpoint.getEndpointId()).getEnabled());
      WebhookEndpoint disabled = get(partner, endpoint.getEndpointId());

      assertTrue(disabled.getDisabledReason().startsWith("Every attempt failed: 10 in a row"), disabled.getDisabledReason());
      assertTrue(disabled.hasDisabledAt());
      Row event =
          pool.preparedQuery("select type, data, publisher from events where partner_client_id = $1 and type = $2")
              .executeAndAwait(Tuple.of(partner, EventTypes.WEBHOOK_ENDPOINT_DISABLED)).iterator().next();
      assertEquals(endpoint.getEndpointId(), ((JsonObject) event.getValue("data")).getString("endpointId"));
      assertEquals("notify-svc", event.getString("publisher"));
      assertEquals(0, count("select count(*) from webhook_deliveries where endpoint_id = $1 and status <> 'PARKED'", id),
          "every delivery of a disabled endpoint is parked");
      await("the email", WAIT, () -> !mailbox.getMailsSentTo(email).isEmpty());
      Mail mail = mailbox.getMailsSentTo(email).get(0);
      assertTrue(mail.getText().contains(endpoint.getEndpointId()));
      await("the partner's other endpoint told", WAIT, () -> ops.requests().size() == 1);
      assertEquals(EventTypes.WEBHOOK_ENDPOINT_DISABLED, new JsonObject(ops.requests().get(0).text()).getString("type"));

      int before = failing.requests().size();
      publish(notify, partner);
      sleep(400);
      assertEquals(before, failing.requests().size(), "a disabled endpoint is not called");
      assertEquals("ENDPOINT_DISABLED",
          Grpc.reason(org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
              () -> as(webhooks, partner).replayDeadLetters(ReplayWebhookDeadLettersRequest.newBuilder().setEndpointId(endpoint.getEndpointId()).build()))));

      failing.answering(n -> Receiver.Answer.ok());
      WebhookEndpoint enabled =
          as(webhooks, partner).updateEndpoint(UpdateWebhookEndpointRequest.newBuilder().setEndpointId(endpoint.getEndpointId()).setEnabled(true).build());
      assertTrue(enabled.getEnabled());
      assertEquals("", enabled.getDisabledReason());
      int replayed = as(webhooks, partner).replayDeadLetters(ReplayWebhookDeadLettersRequest.newBuilder().setEndpointId(endpoint.getEndpointId()).build()).getReplayed();
      assertEquals(3, replayed);
      await("the parked ones delivered after replay", WAIT,
          () -> count("select count(*) from webhook_deliveries where endpoint_id = $1 and status = 'DELIVERED'", id) == 3);
      assertNotEquals(0, count("select count(*) from webhook_endpoints where id = $1 and consecutive_failures = 0", id));
      assertFalse(deliveries(webhooks, partner, endpoint.getEndpointId()).isEmpty());
    }
  }

  private WebhookEndpoint get(String partner, String id) {
    return as(webhooks, partner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(id).build());
  }

  /** A delivered delivery may be sent again; a second replay while it is in flight is refused. */
  private String replayRefusal(String partner, String deliveryId, Receiver receiver) {
    receiver.answering(n -> Receiver.Answer.slow(800));
    as(webhooks, partner).replayDelivery(ReplayWebhookDeliveryRequest.newBuilder().setDeliveryId(deliveryId).build());
    StatusRuntimeException refused =
        org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
            () -> as(webhooks, partner).replayDelivery(ReplayWebhookDeliveryRequest.newBuilder().setDeliveryId(deliveryId).build()));
    return Grpc.reason(refused);
  }

  private WebhookDelivery awaitStatus(String partner, String endpointId, WebhookDeliveryStatus status) {
    await("a " + status + " delivery", WAIT, () -> {
      List<WebhookDelivery> all = deliveries(webhooks, partner, endpointId);
      return !all.isEmpty() && all.get(0).getStatus() == status;
    });
    return deliveries(webhooks, partner, endpointId).get(0);
  }

  private List<WebhookDelivery> deadLetters(String partner, String endpointId) {
    return as(webhooks, partner)
        .listDeadLetters(ListWebhookDeadLettersRequest.newBuilder().setEndpointId(endpointId).build())
        .getDeliveriesList();
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
