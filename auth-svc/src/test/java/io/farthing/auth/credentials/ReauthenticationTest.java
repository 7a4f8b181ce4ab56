package io.farthing.auth.credentials;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stolen access token alone must never be enough to plant the thief's own second factor. */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class ReauthenticationTest {

  @Test
  void aDeviceKeyCannotBeAddedWithTheAccessTokenAlone() throws Exception {
    Api.TestUser victim = aUser();
    String stolen = accessTokenFor(victim);
    String key = p256PublicKey();

    as(stolen).body(Map.of("name", "thief", "publicKey", key)).post("/v1/me/devices")
        .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("PROOF_REQUIRED"));
    as(stolen).body(Map.of("name", "thief", "publicKey", key, "password", "a guessed password"))
        .post("/v1/me/devices")
        .then().statusCode(403).body("reason", equalTo("INVALID_CREDENTIALS"));

    as(stolen).get("/v1/me/devices").then().statusCode(200).body("$", hasSize(0));
  }

  @Test
  void totpCannotBeEnrolledWithTheAccessTokenAlone() {
    Api.TestUser victim = aUser();
    String stolen = accessTokenFor(victim);

    as(stolen).post("/v1/me/totp").then().statusCode(400).contentType("application/problem+json");
    as(stolen).body(Map.of("password", "a guessed password")).post("/v1/me/totp")
        .then().statusCode(403).body("reason", equalTo("INVALID_CREDENTIALS"));
    as(stolen).get("/v1/me/totp").then().statusCode(200).body("pending", equalTo(false)).body("enabled", equalTo(false));
  }

  @Test
  void wrongProofsCountTowardLockOut() throws Exception {
    Api.TestUser victim = aUser();
    String stolen = accessTokenFor(victim);
    String key = p256PublicKey();
    for (int attempt = 1; attempt <= 10; attempt++) {
      as(stolen).body(Map.of("name", "thief", "publicKey", key, "password", "guess " + attempt))
          .post("/v1/me/devices").then().statusCode(403);
    }
    Api.login(victim.email(), victim.password()).then().statusCode(423).body("reason", equalTo("ACCOUNT_LOCKED"));
  }

  private static String p256PublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
  }
}
