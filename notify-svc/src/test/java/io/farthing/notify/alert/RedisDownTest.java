package io.farthing.notify.alert;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.notify.support.SseClient;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Redis carries alerts between replicas only: with Redis gone, nothing else breaks. */
@QuarkusTest
@TestProfile(RedisDownTest.NoRedis.class)
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class RedisDownTest {
  /** Redis pointed at a loopback port nothing listens on. */
  public static class NoRedis implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1", "quarkus.redis.timeout", "500ms");
    }
  }

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject AlertRelay relay;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void publishSucceedsTheLocalStreamStillGetsTheAlertAndAResumeRecoversTheRest() throws Exception {
    assertFalse(relay.subscribed(), "Redis is down in this profile");
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String url = "http://127.0.0.1:" + port + "/v1/alerts/stream";
    String first;
    try (SseClient stream = SseClient.open(url, token, null)) {
      stream.awaitConnected();

      assertFalse(asPublisher(notify).publish(publishing(aCharge(user).amount(110, "EUR").build())).getDuplicate());

      SseClient.SseEvent live = stream.nextEvent(Duration.ofSeconds(5));
      assertNotNull(live, "the replica that stored the alert streams it without Redis");
      first = live.id();
    }
    asPublisher(notify).publish(publishing(aCharge(user).amount(111, "EUR").build()));

    try (SseClient resumed = SseClient.open(url, token, first)) {
      SseClient.SseEvent missed = resumed.nextEvent(Duration.ofSeconds(5));
      assertNotNull(missed);
      assertEquals(111L, new JsonObject(missed.data()).getJsonObject("data").getLong("amountMinor"));
    }
  }
}
