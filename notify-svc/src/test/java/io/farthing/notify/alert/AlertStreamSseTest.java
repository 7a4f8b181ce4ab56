package io.farthing.notify.alert;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.AlertEvents;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.ShortLivedTokens;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.notify.support.SseClient;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** GET /v1/alerts/stream: a person's alerts as Server-Sent Events, live and resumed. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class AlertStreamSseTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject ReactiveRedisDataSource redis;

  @Inject AlertHub hub;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "notify.alerts.live.redis-channel")
  String channel;

  private String url() {
    return "http://127.0.0.1:" + port + "/v1/alerts/stream";
  }

  @Test
  void aChargeAlertReachesTheOpenStreamWithinASecondWithAmountMerchantFeeAndCapLeft() throws Exception {
    UUID user = Ids.newId();
    Event charge = aCharge(user).merchant("Pixel Games Ltd").amount(120, "EUR").fee(3).dailyCapRemaining(880).build();
    try (SseClient stream = SseClient.open(url(), TestTokens.user(user, "user"), null)) {
      assertEquals(200, stream.status());
      assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
      stream.awaitConnected();

      long published = System.nanoTime();
      asPublisher(notify).publish(publishing(charge));
      SseClient.SseEvent event = stream.nextEvent(WAIT);

      assertNotNull(event, "no alert on the stream");
      double latencyMs = (event.receivedNanos() - published) / 1e6;
      System.out.printf("[latency] Publish -> SSE alert: %.1f ms%n", latencyMs);
      assertTrue(latencyMs < 1000, "the alert took " + latencyMs + " ms, more than the functional bound of 1 s");
      assertEquals("alert", event.name());
      JsonObject alert = new JsonObject(event.data());
      assertEquals(event.id(), alert.getString("id"), "the SSE id is the alert id");
      assertEquals("charge.succeeded", alert.getString("type"));
      assertEquals("You paid €1.20 to Pixel Games Ltd", alert.getString("title"));
      String body = alert.getString("body");
      assertTrue(body.contains("You paid €1.20 to Pixel Games Ltd"), body);
      assertTrue(body.contains("Fee included: €0.03"), body);
      assertTrue(body.contains("Left of your daily cap today: €8.80"), body);
      assertEquals(120L, alert.getJsonObject("data").getLong("amountMinor"), "amounts stay exact integers");
      assertEquals(charge.getEventId(), alert.getString("eventId"));
    }
  }

  @Test
  void withoutMerchantNameOrCapTheAlertNamesThePartnerAndSaysNoCapIsSet() throws Exception {
    UUID user = Ids.newId();
    try (SseClient stream = SseClient.open(url(), TestTokens.user(user, "user"), null)) {
      stream.awaitConnected();
      asPublisher(notify).publish(publishing(aCharge(user).partner("fcl_arcade").amount(1999, "EUR").fee(40).build()));

      JsonObject alert = new JsonObject(stream.nextEvent(WAIT).data());

      assertEquals("You paid €19.99 to fcl_arcade", alert.getString("title"));
      assertTrue(alert.getString("body").contains("You have no daily cap set."), alert.getString("body"));
    }
  }

  @Test
  void resumingWithLastEventIdReplaysTheMissedAlertsInOrderExactlyOnceThenGoesLive() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String seen;
    try (SseClient first = SseClient.open(url(), token, null)) {
      first.awaitConnected();
      asPublisher(notify).publish(publishing(aCharge(user).amount(100, "EUR").build()));
      seen = first.nextEvent(WAIT).id();
    }
    for (long amount : new long[] {201, 202, 203}) {
      asPublisher(notify).publish(publishing(aCharge(user).amount(amount, "EUR").build()));
    }

    try (SseClient resumed = SseClient.open(url(), token, seen)) {
      List<Long> replayed = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SseClient.SseEvent e = resumed.nextEvent(WAIT);
        assertNotNull(e, "replay stopped after " + i);
        ids.add(e.id());
        replayed.add(new JsonObject(e.data()).getJsonObject("data").getLong("amountMinor"));
      }
      assertEquals(List.of(201L, 202L, 203L), replayed, "missed alerts, oldest first");
      assertEquals(ids.stream().sorted().toList(), ids, "ids increase");
      assertNull(resumed.nextEvent(Duration.ofMillis(300)), "nothing replayed twice, nothing before Last-Event-ID");

      asPublisher(notify).publish(publishing(aCharge(user).amount(300, "EUR").build()));
      SseClient.SseEvent live = resumed.nextEvent(WAIT);
      assertEquals(300L, new JsonObject(live.data()).getJsonObject("data").getLong("amountMinor"));
    }
  }

  @Test
  void anotherUsersAlertNeverAppearsOnMyStream() throws Exception {
    UUID me = Ids.newId();
    UUID other = Ids.newId();
    try (SseClient mine = SseClient.open(url(), TestTokens.user(me, "user"), null)) {
      mine.awaitConnected();
      asPublisher(notify).publish(publishing(aCharge(other).amount(500, "EUR").build()));
      asPublisher(notify).publish(publishing(AlertEvents.transferReceived(me, 250)));

      SseClient.SseEvent event = mine.nextEvent(WAIT);

      assertEquals("transfer.received", new JsonObject(event.data()).getString("type"));
      assertNull(mine.nextEvent(Duration.ofMillis(300)));
    }
  }

  @Test
  void anAlertAnotherReplicaStoredArrivesThroughRedis() throws Exception {
    UUID user = Ids.newId();
    try (SseClient stream = SseClient.open(url(), TestTokens.user(user, "user"), null)) {
      stream.awaitConnected();
      UUID alertId = Ids.newId();
      Instant now = Instant.now();
      UserAlert elsewhere =
          new UserAlert(
              alertId, user, Ids.newId(), "transfer.received", "You received €2.00", "Another Farthing user sent you €2.00.",
              new JsonObject().put("amountMinor", 200).put("currency", "EUR"), true, now, now, null);
      String message = new JsonObject().put("origin", "another-replica").put("alert", elsewhere.toJson()).encode();
      redis.pubsub(String.class).publish(channel, message).await().atMost(WAIT);

      SseClient.SseEvent event = stream.nextEvent(WAIT);

      assertNotNull(event, "the other replica's alert did not arrive");
      assertEquals(alertId.toString(), event.id());
      assertEquals("You received €2.00", new JsonObject(event.data()).getString("title"));
    }
  }

  @Test
  void theStreamNeedsAUserTokenAndAWellFormedLastEventId() {
    RestAssured.given().port(port).accept("text/event-stream").get("/v1/alerts/stream").then().statusCode(401);
    RestAssured.given()
        .port(port)
        .accept("text/event-stream")
        .auth().oauth2(TestTokens.client("shop", "payments:charge"))
        .get("/v1/alerts/stream")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    RestAssured.given()
        .port(port)
        .accept("text/event-stream")
        .auth().oauth2(TestTokens.user(Ids.newId(), "user"))
        .header("Last-Event-ID", "not-an-id")
        .get("/v1/alerts/stream")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", org.hamcrest.Matchers.equalTo("https://problems.farthing.io/invalid-id"));
  }

  @Test
  void anIdleStreamGetsHeartbeatCommentsAndEndsWhenTheReplicaShutsDown() throws Exception {
    UUID user = Ids.newId();
    try (SseClient stream = SseClient.open(url(), TestTokens.user(user, "user"), null)) {
      stream.awaitConnected();

      SseClient.SseEvent heartbeat = stream.next(Duration.ofSeconds(3));
      assertNotNull(heartbeat);
      assertEquals("heartbeat", heartbeat.comment());

      hub.closeAll(new ShutdownDelayInitiatedEvent());
      assertTrue(stream.awaitEnd(WAIT), "the stream ends so the client resumes on another replica");
      assertEquals(0, hub.streams(user));
    }
  }

  @Test
  void metricsCountAlertsPushesAndOpenStreams() throws Exception {
    UUID user = Ids.newId();
    try (SseClient stream = SseClient.open(url(), TestTokens.user(user, "user"), null)) {
      stream.awaitConnected();
      asPublisher(notify).publish(publishing(aCharge(user).build()));
      assertNotNull(stream.nextEvent(WAIT));

      String metrics = RestAssured.given().port(port).get("/q/metrics").then().statusCode(200).extract().asString();

      assertTrue(metrics.contains("farthing_notify_alerts_created_total{type=\"charge.succeeded\"}"), "alerts created");
      assertTrue(metrics.contains("farthing_notify_alerts_live_pushes_total"), "live pushes");
      assertTrue(metrics.contains("farthing_notify_alerts_stream_subscribers"), "open streams");
    }
  }

  @Test
  void theStreamEndsWhenItsTokenExpiresSoTheClientReconnectsWithAFreshOne() throws Exception {
    UUID user = Ids.newId();
    try (SseClient stream = SseClient.open(url(), ShortLivedTokens.user(user, 2), null)) {
      stream.awaitConnected();

      assertTrue(stream.awaitEnd(Duration.ofSeconds(8)), "still open after its token expired");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (hub.streams(user) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, hub.streams(user), "the expired stream is unregistered");
    }
  }
}
