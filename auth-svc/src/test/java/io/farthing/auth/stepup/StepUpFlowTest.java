package io.farthing.auth.stepup;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static io.farthing.auth.support.SecondFactorFixtures.auditCount;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.support.Api;
import io.farthing.testing.Sql;
import io.farthing.testing.Grpc;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.auth.totp.Base32;
import io.farthing.auth.totp.Totp;
import io.farthing.proto.auth.v1.Challenge;
import io.farthing.proto.auth.v1.ChallengeMethod;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenResponse;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.DeviceKeyProof;
import io.farthing.proto.auth.v1.MutinyAuthGrpc;
import io.farthing.proto.auth.v1.TotpProof;
import io.farthing.proto.auth.v1.VerifyChallengeRequest;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Step-up end to end: payments-svc (an auth:internal client) opens a challenge, the user answers
 * with a TOTP code or a device signature, and the step-up token redeems once, for its purpose only.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class StepUpFlowTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("auth")
  MutinyAuthGrpc.MutinyAuthStub auth;

  @Inject TokenIssuer issuer;

  MutinyAuthGrpc.MutinyAuthStub payments;
  MutinyAuthGrpc.MutinyAuthStub partnerApp;

  /** A user with TOTP enabled; {@code nextCode} is valid now and was never used. */
  record TotpUser(Api.TestUser user, String token, byte[] secret) {
    String nextCode() {
      return Totp.code(secret, Totp.stepAt(Instant.now()) + 1, Totp.DIGITS);
    }
  }

  @BeforeEach
  void callers() {
    payments = Grpc.withToken(auth, clientToken("payments-svc", Scopes.AUTH_INTERNAL));
    partnerApp = Grpc.withToken(auth, clientToken("partner-game", Scopes.PAYMENTS_CHARGE));
  }

  @Test
  void totpAnswerYieldsAStepUpTokenThatRedeemsExactlyOnceForItsPurpose() {
    TotpUser alice = totpUser();
    String purpose = "charge:" + UUID.randomUUID();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), purpose)));
    assertTrue(challenge.getAllowedMethodsList().contains(ChallengeMethod.CHALLENGE_METHOD_TOTP));
    assertEquals(250, challenge.getAmount().getAmountMinor());

    String stepUp = await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode()))).getStepUpToken();

    ConsumeStepUpTokenResponse redeemed = await(payments.consumeStepUpToken(consume(stepUp, purpose)));
    assertEquals(alice.user().id(), redeemed.getUserId());
    assertEquals(challenge.getChallengeId(), redeemed.getChallengeId());
    assertEquals("urn:farthing:acr:totp", redeemed.getAcr());

    Throwable again = assertThrows(Throwable.class, () -> await(payments.consumeStepUpToken(consume(stepUp, purpose))));
    assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(again));
    assertEquals("STEP_UP_TOKEN_USED", Grpc.reason(again));
  }

  @Test
  void aStepUpTokenCannotServeAnotherPurpose() {
    TotpUser alice = totpUser();
    String purpose = "charge:" + UUID.randomUUID();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), purpose)));
    String stepUp = await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode()))).getStepUpToken();

    Throwable other = assertThrows(Throwable.class,
        () -> await(payments.consumeStepUpToken(consume(stepUp, "charge:" + UUID.randomUUID()))));
    assertEquals("PURPOSE_MISMATCH", Grpc.reason(other));

    // The refused attempt did not spend it: the rightful purpose still redeems.
    assertEquals(alice.user().id(), await(payments.consumeStepUpToken(consume(stepUp, purpose))).getUserId());
  }

  @Test
  void aStepUpTokenIsNotAnAccessToken() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    String stepUp = await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode()))).getStepUpToken();
    as(stepUp).get("/v1/me").then().statusCode(401);
  }

  @Test
  void aForgedOrAccessTokenIsNotAStepUpToken() {
    TotpUser alice = totpUser();
    Throwable failure = assertThrows(Throwable.class,
        () -> await(payments.consumeStepUpToken(consume(alice.token(), "charge:1"))));
    assertEquals("INVALID_STEP_UP_TOKEN", Grpc.reason(failure));
  }

  @Test
  void theUserAnswersInTheirOwnAppWithADeviceSignature() throws Exception {
    Api.TestUser bob = aUser();
    String token = accessTokenFor(bob);
    KeyPair device = p256();
    String deviceId = as(token)
        .body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", "phone", "publicKey", Base64.getEncoder().encodeToString(device.getPublic().getEncoded())))
        .post("/v1/me/devices").then().statusCode(201).extract().path("id");
    String purpose = "charge:" + UUID.randomUUID();
    Challenge challenge = await(payments.createChallenge(request(bob.id(), purpose)));
    assertEquals(Set.of(ChallengeMethod.CHALLENGE_METHOD_DEVICE_KEY), Set.copyOf(challenge.getAllowedMethodsList()));

    as(token).get("/v1/me/challenges/" + challenge.getChallengeId())
        .then().statusCode(200).body("purpose", equalTo(purpose)).body("amount.amountMinor", equalTo(250));
    String stepUp = as(token)
        .body(Map.of("method", "device_key", "deviceId", deviceId, "signature", sign(device, challenge.getDeviceNonce())))
        .post("/v1/me/challenges/" + challenge.getChallengeId() + "/verify")
        .then().statusCode(200).body("acr", equalTo("urn:farthing:acr:device"))
        .extract().path("stepUpToken");

    assertEquals(bob.id(), await(payments.consumeStepUpToken(consume(stepUp, purpose))).getUserId());
  }

  @Test
  void aSignatureByAnotherKeyIsRefused() throws Exception {
    Api.TestUser bob = aUser();
    String token = accessTokenFor(bob);
    String deviceId = as(token)
        .body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", "phone", "publicKey", Base64.getEncoder().encodeToString(p256().getPublic().getEncoded())))
        .post("/v1/me/devices").then().statusCode(201).extract().path("id");
    Challenge challenge = await(payments.createChallenge(request(bob.id(), "charge:" + UUID.randomUUID())));

    {
      VerifyChallengeRequest forged = VerifyChallengeRequest.newBuilder()
          .setChallengeId(challenge.getChallengeId())
          .setDeviceKey(DeviceKeyProof.newBuilder().setDeviceId(deviceId)
              .setSignature(ByteString.copyFrom(Base64.getDecoder().decode(sign(p256(), challenge.getDeviceNonce())))))
          .build();
      Throwable failure = assertThrows(Throwable.class, () -> await(partnerApp.verifyChallenge(forged)));
      assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(failure));
      assertEquals("INVALID_PROOF", Grpc.reason(failure));
    }
  }

  @Test
  void anAnsweredChallengeCannotBeAnsweredAgain() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode())));

    Throwable again = assertThrows(Throwable.class,
        () -> await(partnerApp.verifyChallenge(totp(challenge, Totp.code(alice.secret(), Totp.stepAt(Instant.now()) - 1, 6)))));
    assertEquals(Status.Code.FAILED_PRECONDITION, Grpc.code(again));
    assertEquals("CHALLENGE_ALREADY_USED", Grpc.reason(again));
  }

  @Test
  void fiveWrongAnswersKillTheChallengeAndAreAuditedAndCounted() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    for (int attempt = 1; attempt <= Challenge_MAX; attempt++) {
      Throwable wrong = assertThrows(Throwable.class, () -> await(partnerApp.verifyChallenge(totp(challenge, "000000"))));
      assertEquals("INVALID_PROOF", Grpc.reason(wrong));
    }
    Throwable dead = assertThrows(Throwable.class,
        () -> await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode()))));
    assertEquals("CHALLENGE_FAILED", Grpc.reason(dead));
    assertEquals(Challenge_MAX, auditCount(alice.user().id(), StepUpService.STEP_UP_FAILED, "FAILURE"));
  }

  @Test
  void anExpiredChallengeIsRefused() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    Sql.update("update challenges set expires_at = now() - interval '1 second' where id = '" + challenge.getChallengeId() + "'");

    Throwable late = assertThrows(Throwable.class, () -> await(partnerApp.verifyChallenge(totp(challenge, alice.nextCode()))));
    assertEquals("CHALLENGE_EXPIRED", Grpc.reason(late));
  }

  @Test
  void creatingTheSameChallengeTwiceReturnsTheOpenOne() {
    TotpUser alice = totpUser();
    String purpose = "charge:" + UUID.randomUUID();
    Challenge first = await(payments.createChallenge(request(alice.user().id(), purpose)));
    Challenge second = await(payments.createChallenge(request(alice.user().id(), purpose)));
    assertEquals(first.getChallengeId(), second.getChallengeId());
  }

  @Test
  void anotherUsersChallengeLooksLikeNoChallengeAtAll() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    String mallory = accessTokenFor(aUser());

    as(mallory).get("/v1/me/challenges/" + challenge.getChallengeId()).then().statusCode(404)
        .body("reason", equalTo("CHALLENGE_NOT_FOUND"));
    as(mallory).body(Map.of("method", "totp", "code", alice.nextCode()))
        .post("/v1/me/challenges/" + challenge.getChallengeId() + "/verify")
        .then().statusCode(404).body("reason", equalTo("CHALLENGE_NOT_FOUND"));
    // Alice's challenge is untouched by the attempt.
    as(alice.token()).get("/v1/me/challenges/" + challenge.getChallengeId()).then().statusCode(200)
        .body("status", equalTo("PENDING"));
  }

  @Test
  void badAnswersAreProblemJsonAndChangeNothing() {
    TotpUser alice = totpUser();
    Challenge challenge = await(payments.createChallenge(request(alice.user().id(), "charge:" + UUID.randomUUID())));
    String path = "/v1/me/challenges/" + challenge.getChallengeId() + "/verify";
    as(alice.token()).body(Map.of("method", "carrier-pigeon")).post(path)
        .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("INVALID_METHOD"));
    as(alice.token()).body(Map.of("method", "device_key", "deviceId", UUID.randomUUID().toString(), "signature", "%%%"))
        .post(path).then().statusCode(400).body("reason", equalTo("INVALID_SIGNATURE_ENCODING"));
    as(alice.token()).get("/v1/me/challenges/not-an-id").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
    assertEquals(0L, ((Number) Sql.row("select failed_attempts from challenges where id = '" + challenge.getChallengeId() + "'")[0]).longValue());
  }

  @Test
  void theRestMirrorOpensAndRedeemsExactlyLikeTheRpcs() {
    TotpUser alice = totpUser();
    String internal = clientToken("payments-svc", Scopes.AUTH_INTERNAL);
    String purpose = "charge:" + UUID.randomUUID();
    String challengeId = as(internal)
        .body(Map.of("userId", alice.user().id(), "purpose", purpose, "amount", Map.of("amountMinor", 99, "currency", "USD")))
        .post("/internal/v1/challenges")
        .then().statusCode(201).body("allowedMethods", org.hamcrest.Matchers.hasItem("totp"))
        .extract().path("challengeId");

    String stepUp = as(alice.token()).body(Map.of("method", "totp", "code", alice.nextCode()))
        .post("/v1/me/challenges/" + challengeId + "/verify")
        .then().statusCode(200).extract().path("stepUpToken");

    as(internal).body(Map.of("stepUpToken", stepUp, "purpose", purpose)).post("/internal/v1/step-up-tokens/consume")
        .then().statusCode(200).body("userId", equalTo(alice.user().id())).body("challengeId", equalTo(challengeId));
    as(internal).body(Map.of("stepUpToken", stepUp, "purpose", purpose)).post("/internal/v1/step-up-tokens/consume")
        .then().statusCode(403).contentType("application/problem+json").body("reason", equalTo("STEP_UP_TOKEN_USED"));
  }

  @Test
  void onlyInternalCallersMayUseTheRestMirror() {
    TotpUser alice = totpUser();
    Map<String, Object> body = Map.of("userId", alice.user().id(), "purpose", "charge:1");
    as(alice.token()).body(body).post("/internal/v1/challenges").then().statusCode(403);
    as(clientToken("partner-game", Scopes.PAYMENTS_CHARGE)).body(body).post("/internal/v1/challenges").then().statusCode(403);
    Api.json().body(body).post("/internal/v1/challenges").then().statusCode(401);
  }

  private static final int Challenge_MAX = io.farthing.auth.stepup.Challenge.MAX_FAILED_ATTEMPTS;

  private TotpUser totpUser() {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    byte[] secret = Base32.decode(as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    as(token).body(Map.of("code", Totp.code(secret, Totp.stepAt(Instant.now()), Totp.DIGITS)))
        .post("/v1/me/totp/confirm").then().statusCode(200);
    return new TotpUser(user, token, secret);
  }

  private static CreateChallengeRequest request(String userId, String purpose) {
    return CreateChallengeRequest.newBuilder()
        .setUserId(userId)
        .setPurpose(purpose)
        .setAmount(Money.newBuilder().setAmountMinor(250).setCurrency("EUR"))
        .addReasons("new merchant")
        .build();
  }

  private static VerifyChallengeRequest totp(Challenge challenge, String code) {
    return VerifyChallengeRequest.newBuilder()
        .setChallengeId(challenge.getChallengeId())
        .setTotp(TotpProof.newBuilder().setCode(code))
        .build();
  }

  private static ConsumeStepUpTokenRequest consume(String token, String purpose) {
    return ConsumeStepUpTokenRequest.newBuilder().setStepUpToken(token).setPurpose(purpose).build();
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

  private String clientToken(String clientId, String scope) {
    try {
      return VertxContextSupport.subscribeAndAwait(() -> issuer.partnerAccessToken(clientId, Set.of(scope))).token();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(io.smallrye.mutiny.Uni<T> call) {
    return call.await().atMost(WAIT);
  }
}
