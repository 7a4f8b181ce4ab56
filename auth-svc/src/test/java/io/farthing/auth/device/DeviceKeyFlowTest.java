package io.farthing.auth.device;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.json;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static io.farthing.testing.Sql.await;
import static io.farthing.auth.support.SecondFactorFixtures.auditCount;
import static io.farthing.auth.support.Api.claims;
import static io.farthing.auth.support.SecondFactorFixtures.redisValue;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class DeviceKeyFlowTest {

  @Inject DeviceKeys deviceKeys;

  /** A user with one registered device whose private key the test holds. */
  private record Owner(Api.TestUser user, String token, String deviceId, KeyPair keys) {}

  @Test
  void registeredDeviceSignsInWithItsKey() throws Exception {
    Owner owner = anOwner("Alice's phone");
    as(owner.token()).get("/v1/me/devices").then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].id", equalTo(owner.deviceId()))
        .body("[0].name", equalTo("Alice's phone"))
        .body("[0].lastUsedAt", nullValue())
        .body("[0]", not(hasKey("publicKey")));

    Response challenge = challenge(owner.deviceId());
    challenge.then().statusCode(200).body("nonce", notNullValue()).body("expiresAt", notNullValue());
    String nonce = challenge.path("nonce");

    String access = deviceLogin(owner.deviceId(), nonce, sign(owner.keys(), nonce))
        .then().statusCode(200).body("refreshToken", notNullValue())
        .extract().path("accessToken");

    assertEquals(List.of("device"), claims(access).getList("amr", String.class));
    assertEquals(owner.user().id(), claims(access).getString("sub"));
    as(access).get("/v1/me").then().statusCode(200).body("id", equalTo(owner.user().id()));
    as(owner.token()).get("/v1/me/devices").then().body("[0].lastUsedAt", notNullValue());
    assertEquals(1, auditCount(owner.user().id(), DeviceKeys.REGISTERED, "SUCCESS"));
    assertEquals(1, auditCount(owner.user().id(), DeviceLoginService.DEVICE_LOGIN, "SUCCESS"));
  }

  @Test
  void replayedNonceIsRefused() throws Exception {
    Owner owner = anOwner("phone");
    String nonce = challenge(owner.deviceId()).path("nonce");
    String signature = sign(owner.keys(), nonce);
    deviceLogin(owner.deviceId(), nonce, signature).then().statusCode(200);

    deviceLogin(owner.deviceId(), nonce, signature)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("reason", equalTo("INVALID_DEVICE_CHALLENGE"));
    assertEquals(1, auditCount(owner.user().id(), DeviceLoginService.DEVICE_LOGIN, "FAILURE"));
  }

  @Test
  void signatureByAnotherKeyIsRefusedSpendsTheNonceAndCountsTowardsLockout() throws Exception {
    Owner owner = anOwner("phone");
    String nonce = challenge(owner.deviceId()).path("nonce");

    deviceLogin(owner.deviceId(), nonce, sign(p256(), nonce))
        .then().statusCode(401).body("reason", equalTo("INVALID_DEVICE_SIGNATURE"));

    assertEquals("1", redisValue("auth:failures:" + owner.user().id()));
    // The nonce died with the failed attempt: even the right signature cannot use it now.
    deviceLogin(owner.deviceId(), nonce, sign(owner.keys(), nonce))
        .then().statusCode(401).body("reason", equalTo("INVALID_DEVICE_CHALLENGE"));
    assertEquals(2, auditCount(owner.user().id(), DeviceLoginService.DEVICE_LOGIN, "FAILURE"));
  }

  @Test
  void signatureOverAnotherValueIsRefused() throws Exception {
    Owner owner = anOwner("phone");
    String nonce = challenge(owner.deviceId()).path("nonce");
    deviceLogin(owner.deviceId(), nonce, sign(owner.keys(), nonce + "x"))
        .then().statusCode(401).body("reason", equalTo("INVALID_DEVICE_SIGNATURE"));
  }

  @Test
  void nonceIssuedForOneDeviceCannotSignInWithAnother() throws Exception {
    Owner alice = anOwner("alice's phone");
    Owner mallory = anOwner("mallory's phone");
    String aliceNonce = challenge(alice.deviceId()).path("nonce");

    deviceLogin(mallory.deviceId(), aliceNonce, sign(mallory.keys(), aliceNonce))
        .then().statusCode(401).body("reason", equalTo("INVALID_DEVICE_CHALLENGE"));
    // Alice's nonce is still good for Alice's device.
    deviceLogin(alice.deviceId(), aliceNonce, sign(alice.keys(), aliceNonce)).then().statusCode(200);
  }

  @Test
  void anotherUsersDeviceCannotBeRemovedAndLooksLikeAnUnknownOne() throws Exception {
    Owner alice = anOwner("alice's phone");
    String bob = accessTokenFor(aUser());

    Response foreign = as(bob).delete("/v1/me/devices/" + alice.deviceId());
    Response unknown = as(bob).delete("/v1/me/devices/" + UUID.randomUUID());
    foreign.then().statusCode(404).contentType("application/problem+json").body("reason", equalTo("DEVICE_NOT_FOUND"));
    unknown.then().statusCode(404).body("reason", equalTo("DEVICE_NOT_FOUND"));
    assertEquals(unknown.<String>path("detail"), foreign.<String>path("detail"));

    as(alice.token()).get("/v1/me/devices").then().body("id", hasItem(alice.deviceId()));
    as(bob).get("/v1/me/devices").then().statusCode(200).body("$", hasSize(0));
  }

  @Test
  void removedDeviceCanNoLongerBeChallengedOrSignIn() throws Exception {
    Owner owner = anOwner("old phone");
    String nonce = challenge(owner.deviceId()).path("nonce");

    as(owner.token()).delete("/v1/me/devices/" + owner.deviceId()).then().statusCode(204);

    challenge(owner.deviceId()).then().statusCode(404).body("reason", equalTo("DEVICE_NOT_FOUND"));
    deviceLogin(owner.deviceId(), nonce, sign(owner.keys(), nonce))
        .then().statusCode(401).body("reason", equalTo("INVALID_DEVICE_CHALLENGE"));
    as(owner.token()).get("/v1/me/devices").then().body("$", hasSize(0));
    assertEquals(1, auditCount(owner.user().id(), DeviceKeys.REMOVED, "SUCCESS"));
  }

  @Test
  void challengeForAnUnknownDeviceIsRefused() {
    challenge(UUID.randomUUID().toString())
        .then().statusCode(404).contentType("application/problem+json").body("reason", equalTo("DEVICE_NOT_FOUND"));
  }

  @Test
  void keysOtherThanP256AreRefusedAndNothingIsStored() throws Exception {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);

    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    for (KeyPair keys : List.of(p384.generateKeyPair(), rsa.generateKeyPair())) {
      register(token, "phone", keys)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("type", equalTo("https://problems.farthing.io/invalid-public-key"))
          .body("reason", equalTo("INVALID_PUBLIC_KEY"));
    }

    as(token).get("/v1/me/devices").then().body("$", hasSize(0));
    assertEquals(2, auditCount(user.id(), DeviceKeys.REGISTERED, "DENIED"));
  }

  @Test
  void badBase64AndBadIdsAreProblemJson() throws Exception {
    String token = accessTokenFor(aUser());
    as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", "phone", "publicKey", "not base64 at all!"))
        .post("/v1/me/devices")
        .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("INVALID_PUBLIC_KEY"));
    as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", "phone", "publicKey", Base64.getEncoder().encodeToString("garbage".getBytes())))
        .post("/v1/me/devices")
        .then().statusCode(400).body("reason", equalTo("INVALID_PUBLIC_KEY"));
    as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", " ", "publicKey", publicKeyOf(p256())))
        .post("/v1/me/devices")
        .then().statusCode(400).body("reason", equalTo("INVALID_DEVICE_NAME"));

    Owner owner = anOwner("phone");
    String nonce = challenge(owner.deviceId()).path("nonce");
    deviceLogin(owner.deviceId(), nonce, "%%% not base64")
        .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("MALFORMED_SIGNATURE"));
    challenge("not-a-uuid").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
    as(owner.token()).delete("/v1/me/devices/not-a-uuid").then().statusCode(400).body("reason", equalTo("INVALID_ID"));

    // A malformed answer neither spends the nonce nor counts as a failure.
    assertEquals(null, redisValue("auth:failures:" + owner.user().id()));
    deviceLogin(owner.deviceId(), nonce, sign(owner.keys(), nonce)).then().statusCode(200);
  }

  @Test
  void theSameKeyCannotBeRegisteredTwice() throws Exception {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    KeyPair keys = p256();
    register(token, "phone", keys).then().statusCode(201);
    register(token, "phone again", keys).then().statusCode(409).body("reason", equalTo("DEVICE_ALREADY_REGISTERED"));
  }

  @Test
  void deviceEndpointsNeedAUserToken() throws Exception {
    json().body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", "phone", "publicKey", publicKeyOf(p256())))
        .post("/v1/me/devices").then().statusCode(401).contentType("application/problem+json");
  }

  @Test
  void verifySignatureAcceptsOnlyTheOwnersDeviceAndAValidSignature() throws Exception {
    Owner alice = anOwner("alice's phone");
    UUID aliceId = UUID.fromString(alice.user().id());
    UUID deviceId = UUID.fromString(alice.deviceId());
    UUID someoneElse = UUID.fromString(aUser().id());
    String value = "challenge-" + UUID.randomUUID();
    byte[] signature = Base64.getDecoder().decode(sign(alice.keys(), value));

    assertTrue(await(() -> deviceKeys.verifySignature(aliceId, deviceId, value, signature)));
    assertFalse(await(() -> deviceKeys.verifySignature(someoneElse, deviceId, value, signature)));
    assertFalse(await(() -> deviceKeys.verifySignature(aliceId, UUID.randomUUID(), value, signature)));
    assertFalse(await(() -> deviceKeys.verifySignature(aliceId, deviceId, value + "!", signature)));
    assertFalse(await(() -> deviceKeys.verifySignature(aliceId, deviceId, value, new byte[] {1, 2, 3})));
    assertEquals(1L, await(() -> deviceKeys.countActive(aliceId)));
    assertEquals(0L, await(() -> deviceKeys.countActive(someoneElse)));
    as(alice.token()).get("/v1/me/devices").then().body("[0].lastUsedAt", notNullValue());
  }

  private static Owner anOwner(String deviceName) throws GeneralSecurityException {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    KeyPair keys = p256();
    String deviceId = register(token, deviceName, keys)
        .then().statusCode(201).body("name", equalTo(deviceName))
        .extract().path("id");
    return new Owner(user, token, deviceId, keys);
  }

  private static Response register(String token, String name, KeyPair keys) {
    return as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", name, "publicKey", publicKeyOf(keys))).post("/v1/me/devices");
  }

  private static Response challenge(String deviceId) {
    return json().body(Map.of("deviceId", deviceId)).post("/v1/auth/device/challenge");
  }

  private static Response deviceLogin(String deviceId, String nonce, String signature) {
    return json()
        .body(Map.of("deviceId", deviceId, "nonce", nonce, "signature", signature))
        .post("/v1/auth/device/login");
  }

  private static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String publicKeyOf(KeyPair keys) {
    return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
  }

  /** What the phone does after the biometric check: ECDSA-SHA256 over the nonce, DER. */
  private static String sign(KeyPair keys, String value) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(value.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }
}
