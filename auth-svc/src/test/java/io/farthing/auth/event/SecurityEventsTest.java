package io.farthing.auth.event;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.login;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.farthing.auth.common.Scopes;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.FakeNotify;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.notify.v1.Event;
import io.farthing.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Security alerts are written with the change they report (exactly one per change, none when the
 * change is refused) and reach notify-svc through the outbox relay with auth-svc's own token.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class SecurityEventsTest {
  private static final String WRONG = "definitely not the password";

  @Inject TokenIssuer issuer;

  @Test
  void registeringADeviceWritesOneNewDeviceAlertThatReachesNotifyWithTheAccountsEmail() throws Exception {
    Api.TestUser bob = aUser();
    String token = accessTokenFor(bob);

    registerDevice(token, "Bob's tablet", p256());

    assertEquals(1, alerts(bob, SecurityEvents.NEW_DEVICE));
    Event event = awaitPublished(bob, SecurityEvents.NEW_DEVICE);
    assertEquals("security:" + bob.id(), event.getOrderingKey());
    JsonObject data = new JsonObject(event.getDataJson());
    assertEquals(bob.email(), data.getString("email"));
    assertEquals(bob.id(), data.getString("userId"));
    assertEquals("Bob's tablet", data.getString("deviceName"));
    assertFalse(data.getString("at").isBlank());
  }

  @Test
  void aRefusedDeviceRegistrationWritesNoAlert() {
    Api.TestUser bob = aUser();
    String token = accessTokenFor(bob);

    as(token)
        .body(Map.of("password", WRONG, "name", "phone", "publicKey", Base64.getEncoder().encodeToString(new byte[65])))
        .post("/v1/me/devices")
        .then()
        .statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));

    assertEquals(0, alerts(bob, SecurityEvents.NEW_DEVICE));
  }

  @Test
  void aWrongStepUpAnswerWritesOneFailedStepUpAlertThatReachesNotify() throws Exception {
    Api.TestUser carol = aUser();
    String token = accessTokenFor(carol);
    String deviceId = registerDevice(token, "phone", p256());
    String challengeId =
        as(clientToken())
            .body(Map.of("userId", carol.id(), "purpose", "charge:" + UUID.randomUUID(),
                "amount", Map.of("amountMinor", 99, "currency", "EUR")))
            .post("/internal/v1/challenges")
            .then().statusCode(201).extract().path("challengeId");

    as(token)
        .body(Map.of("method", "device_key", "deviceId", deviceId, "signature", sign(p256(), "not the nonce")))
        .post("/v1/me/challenges/" + challengeId + "/verify")
        .then().statusCode(403).body("reason", equalTo("INVALID_PROOF"));

    assertEquals(1, alerts(carol, SecurityEvents.STEP_UP_FAILED));
    JsonObject data = new JsonObject(awaitPublished(carol, SecurityEvents.STEP_UP_FAILED).getDataJson());
    assertEquals(carol.email(), data.getString("email"));
    assertEquals(challengeId, data.getString("challengeId"));
    assertEquals("WRONG_ANSWER", data.getString("reason"));
  }

  @Test
  void aLockOutWritesOneAlertHoweverManyAttemptsFollowAndItReachesNotifyAfterAnOutage() throws Exception {
    Api.TestUser dave = aUser();
    FakeNotify.FAILURES_LEFT.set(2);
    for (int attempt = 1; attempt <= 12; attempt++) {
      login(dave.email(), WRONG).then().statusCode(attempt <= 10 ? 401 : 423);
    }

    assertEquals(1, alerts(dave, SecurityEvents.LOCKED_OUT));
    JsonObject data = new JsonObject(awaitPublished(dave, SecurityEvents.LOCKED_OUT).getDataJson());
    assertEquals(dave.email(), data.getString("email"));
    assertEquals("TOO_MANY_FAILED_ATTEMPTS", data.getString("reason"));
    assertEquals("127.0.0.1", data.getString("ipAddress"));
  }

  @Test
  void theAlertsAreInTheUsersExportAndGoWithTheAccountOnErasure() throws Exception {
    Api.TestUser erin = aUser();
    String token = accessTokenFor(erin);
    registerDevice(token, "Erin's phone", p256());

    as(token).get("/v1/me/export").then().statusCode(200)
        .body("sections.securityAlerts.type", org.hamcrest.Matchers.hasItem(SecurityEvents.NEW_DEVICE))
        .body("sections.securityAlerts[0].data.email", equalTo(erin.email()));
    as(token).body(Map.of("password", Api.PASSWORD)).post("/v1/me/erase").then().statusCode(204);

    assertEquals(0, Sql.count("select count(*) from outbox where user_id = '" + erin.id() + "'"),
        "the alerts held the email address in clear");
  }

  private static long alerts(Api.TestUser user, String type) {
    return Sql.count("select count(*) from outbox where user_id = '" + user.id() + "' and type = '" + type + "'");
  }

  private static Event awaitPublished(Api.TestUser user, String type) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Event event : FakeNotify.EVENTS.values()) {
        if (event.getUserId().equals(user.id()) && event.getType().equals(type)) {
          if (Sql.count("select count(*) from outbox where id = '" + event.getEventId() + "' and published_at is not null") == 1) {
            return event;
          }
        }
      }
      Thread.sleep(20);
    }
    fail("no " + type + " alert for " + user.id() + " reached notify-svc");
    return null;
  }

  private static String registerDevice(String token, String name, KeyPair keys) {
    return as(token)
        .body(Map.of("password", Api.PASSWORD, "name", name, "publicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())))
        .post("/v1/me/devices").then().statusCode(201).extract().path("id");
  }

  private String clientToken() {
    try {
      return VertxContextSupport.subscribeAndAwait(() -> issuer.partnerAccessToken("payments-svc", Set.of(Scopes.AUTH_INTERNAL))).token();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String sign(KeyPair keys, String value) throws Exception {
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }
}
