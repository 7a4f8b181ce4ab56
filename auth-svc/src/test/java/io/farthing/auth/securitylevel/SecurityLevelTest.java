package io.farthing.auth.securitylevel;

import static io.farthing.auth.support.AccountsFixtures.internalToken;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static io.farthing.auth.support.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.testing.Sql;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.SecurityLevelSetting;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.UserStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import io.farthing.auth.totp.Base32;
import io.farthing.auth.totp.Totp;
import java.math.BigDecimal;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class SecurityLevelTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String LEVEL = "/v1/me/security-level";

  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;
  @Inject TokenIssuer issuer;

  @Test
  void newUsersAreStandardWithoutAThreshold() {
    as(signedIn()).get(LEVEL).then()
        .statusCode(200)
        .body("level", equalTo("STANDARD"))
        .body("strictThreshold", nullValue());
  }

  @Test
  void raisingProtectionTakesEffectWithoutAPassword() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    put(token, strict(1000, "EUR")).then()
        .statusCode(200)
        .body("level", equalTo("STRICT"))
        .body("strictThreshold.amountMinor", equalTo(1000))
        .body("strictThreshold.currency", equalTo("EUR"));
    put(token, strict(0, "EUR")).then().statusCode(200).body("strictThreshold.amountMinor", equalTo(0));
    put(token, Map.of("level", "ALWAYS")).then().statusCode(200).body("strictThreshold", nullValue());

    as(token).get(LEVEL).then().body("level", equalTo("ALWAYS"));
    assertEquals(3, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'SECURITY_LEVEL_CHANGED' AND outcome = 'SUCCESS'", UUID.fromString(person.id())));
  }

  @Test
  void strictWithoutAThresholdIsRefusedAndNothingChanges() {
    String token = signedIn();
    put(token, Map.of("level", "STRICT")).then()
        .statusCode(400).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/threshold-required"));
    as(token).get(LEVEL).then().body("level", equalTo("STANDARD"));
  }

  @Test
  void badLevelsAndThresholdsAreRefusedWithAStableType() {
    String token = signedIn();
    Map<Map<String, Object>, String> cases = new HashMap<>();
    cases.put(Map.of("level", "MAXIMUM"), "invalid-security-level");
    cases.put(Map.of(), "missing-field");
    cases.put(Map.of("level", "ALWAYS", "strictThreshold", money(100, "EUR")), "threshold-not-applicable");
    cases.put(strict(-1, "EUR"), "invalid-amount");
    cases.put(strict(new BigDecimal("10.5"), "EUR"), "invalid-amount");
    cases.put(strict(100, "eur"), "invalid-currency");
    cases.put(strict(100, "ZZZ"), "invalid-currency");
    cases.forEach((body, type) -> put(token, body).then()
        .statusCode(400).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/" + type)));
    as(token).get(LEVEL).then().body("level", equalTo("STANDARD"));
  }

  @Test
  void loweringWithoutThePasswordIsRefusedAndNothingChanges() {
    String token = signedIn();
    put(token, Map.of("level", "ALWAYS")).then().statusCode(200);
    put(token, Map.of("level", "STANDARD")).then()
        .statusCode(403).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/password-required"));
    put(token, strict(100, "EUR")).then().statusCode(403);
    as(token).get(LEVEL).then().body("level", equalTo("ALWAYS"));
  }

  @Test
  void loweringWithAWrongPasswordIsRefusedAuditedAndNothingChanges() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    put(token, Map.of("level", "ALWAYS")).then().statusCode(200);
    put(token, Map.of("level", "STANDARD", "password", "not the password, sorry")).then()
        .statusCode(403).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/invalid-credentials"));

    as(token).get(LEVEL).then().body("level", equalTo("ALWAYS"));
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'SECURITY_LEVEL_CHANGED' AND outcome = 'DENIED' AND details = 'wrong password'",
        UUID.fromString(person.id())));
  }

  @Test
  void loweringWithTheCurrentPasswordTakesEffect() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    put(token, Map.of("level", "ALWAYS")).then().statusCode(200);
    Map<String, Object> lower = new HashMap<>(strict(2500, "GBP"));
    lower.put("password", person.password());
    put(token, lower).then().statusCode(200).body("level", equalTo("STRICT"));
    put(token, Map.of("level", "STANDARD", "password", person.password())).then()
        .statusCode(200).body("level", equalTo("STANDARD"));
  }

  @Test
  void raisingTheStrictThresholdOrChangingItsCurrencyCountsAsLowering() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    put(token, strict(1000, "EUR")).then().statusCode(200);

    put(token, strict(5000, "EUR")).then()
        .statusCode(403).body("type", equalTo("https://problems.farthing.io/password-required"));
    put(token, strict(1000, "USD")).then().statusCode(403);
    as(token).get(LEVEL).then().body("strictThreshold.amountMinor", equalTo(1000))
        .body("strictThreshold.currency", equalTo("EUR"));

    put(token, strict(400, "EUR")).then().statusCode(200).body("strictThreshold.amountMinor", equalTo(400));
    Map<String, Object> withPassword = new HashMap<>(strict(5000, "EUR"));
    withPassword.put("password", person.password());
    put(token, withPassword).then().statusCode(200).body("strictThreshold.amountMinor", equalTo(5000));
  }

  @Test
  void anotherUsersTokenOnlyEverReachesItsOwnSetting() {
    Api.TestUser alice = Api.aUser();
    String aliceToken = Api.signIn(alice).accessToken();
    String bobToken = signedIn();
    put(aliceToken, Map.of("level", "ALWAYS")).then().statusCode(200);

    // Bob names Alice in the body: the field is not part of the call and changes nothing of hers.
    put(bobToken, Map.of("level", "STANDARD", "userId", alice.id())).then()
        .statusCode(200).body("level", equalTo("STANDARD"));
    as(bobToken).get(LEVEL).then().body("level", equalTo("STANDARD"));
    as(aliceToken).get(LEVEL).then().body("level", equalTo("ALWAYS"));
  }

  @Test
  void getSecurityLevelAnswersTheStoredSetting() {
    Api.TestUser person = Api.aUser();
    put(Api.signIn(person).accessToken(), strict(1500, "EUR")).then().statusCode(200);

    SecurityLevelSetting setting = internal().getSecurityLevel(
        GetSecurityLevelRequest.newBuilder().setUserId(person.id()).build());
    assertEquals(person.id(), setting.getUserId());
    assertEquals(SecurityLevel.SECURITY_LEVEL_STRICT, setting.getLevel());
    assertEquals(1500, setting.getStrictThreshold().getAmountMinor());
    assertEquals("EUR", setting.getStrictThreshold().getCurrency());
  }

  @Test
  void getSecurityLevelOfAnUnknownOrMalformedUserIsRefused() {
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> internal()
        .getSecurityLevel(GetSecurityLevelRequest.newBuilder().setUserId(UUID.randomUUID().toString()).build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertEquals("USER_NOT_FOUND", reason(unknown));

    StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> internal()
        .getSecurityLevel(GetSecurityLevelRequest.newBuilder().setUserId("42").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
  }

  @Test
  void getUserReportsStatusLevelAndTimeZoneButNoPersonalData() {
    String email = Api.uniqueEmail();
    String id = Api.json()
        .body(Map.of("email", email, "password", Api.PASSWORD, "timeZone", "Europe/Paris"))
        .post("/v1/users").then().statusCode(201).extract().path("id");

    User user = internal().getUser(GetUserRequest.newBuilder().setUserId(id).build());
    assertEquals(id, user.getUserId());
    assertEquals(UserStatus.USER_STATUS_ACTIVE, user.getStatus());
    assertEquals(SecurityLevel.SECURITY_LEVEL_STANDARD, user.getSecurityLevel());
    assertEquals("Europe/Paris", user.getTimeZone());
    assertFalse(user.getTotpEnabled());
    assertEquals(0, user.getDeviceCount());
    assertFalse(user.toString().contains(email));
  }

  @Test
  void getUserCarriesTheStrictThresholdWithTheLevel() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    GetUserRequest request = GetUserRequest.newBuilder().setUserId(person.id()).build();
    assertFalse(internal().getUser(request).hasStrictThreshold());

    put(token, strict(2500, "USD")).then().statusCode(200);
    User strict = internal().getUser(request);
    assertEquals(SecurityLevel.SECURITY_LEVEL_STRICT, strict.getSecurityLevel());
    assertTrue(strict.hasStrictThreshold());
    assertEquals(2500, strict.getStrictThreshold().getAmountMinor());
    assertEquals("USD", strict.getStrictThreshold().getCurrency());

    put(token, Map.of("level", "ALWAYS")).then().statusCode(200);
    User always = internal().getUser(request);
    assertEquals(SecurityLevel.SECURITY_LEVEL_ALWAYS, always.getSecurityLevel());
    assertFalse(always.hasStrictThreshold());
  }

  @Test
  void getUserReportsTheSecondFactorsTheUserHas() throws Exception {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    byte[] secret = Base32.decode(as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    as(token).body(Map.of("code", Totp.code(secret, Totp.stepAt(Instant.now()), Totp.DIGITS)))
        .post("/v1/me/totp/confirm").then().statusCode(200);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (String name : new String[] {"phone", "tablet"}) {
      as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", name,
              "publicKey", Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())))
          .post("/v1/me/devices").then().statusCode(201);
    }

    User user = internal().getUser(GetUserRequest.newBuilder().setUserId(person.id()).build());
    assertTrue(user.getTotpEnabled());
    assertEquals(2, user.getDeviceCount());
  }

  @Test
  void getUserReportsALockedAccountAsLocked() {
    Api.TestUser person = Api.aUser();
    Sql.update("UPDATE users SET locked_until = ?1 WHERE id = ?2",
        OffsetDateTime.now().plusMinutes(30), UUID.fromString(person.id()));
    User user = internal().getUser(GetUserRequest.newBuilder().setUserId(person.id()).build());
    assertEquals(UserStatus.USER_STATUS_LOCKED, user.getStatus());
  }

  @Test
  void getUserOfAnUnknownUserIsNotFound() {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> internal()
        .getUser(GetUserRequest.newBuilder().setUserId(UUID.randomUUID().toString()).build()));
    assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode());
    assertEquals("USER_NOT_FOUND", reason(failure));
  }

  private AuthGrpc.AuthBlockingStub internal() {
    return withToken(grpc, internalToken(issuer));
  }

  private static String signedIn() {
    return Api.signIn(Api.aUser()).accessToken();
  }

  private static Response put(String token, Map<String, ?> body) {
    return as(token).body(body).put(LEVEL);
  }

  private static Map<String, Object> strict(Object amountMinor, String currency) {
    return Map.of("level", "STRICT", "strictThreshold", money(amountMinor, currency));
  }

  private static Map<String, Object> money(Object amountMinor, String currency) {
    return Map.of("amountMinor", amountMinor, "currency", currency);
  }
}
