package io.farthing.auth.totp;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.json;
import static io.farthing.auth.support.Api.login;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static io.farthing.auth.support.SecondFactorFixtures.auditCount;
import static io.farthing.auth.support.Api.claims;
import static io.farthing.auth.support.SecondFactorFixtures.flushTestRedisDatabase;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class TotpFlowTest {

  /** A user who has confirmed TOTP with the code of {@code confirmedStep}. */
  private record Enrolled(
      Api.TestUser user, String token, byte[] secret, long confirmedStep, List<String> recoveryCodes) {
    /** The one code still unused inside the window: the step after the confirming one. */
    String nextCode() {
      return Totp.code(secret, confirmedStep + 1, 6);
    }

    /** A code no step near now produces. */
    String wrongCode() {
      Set<String> near = new java.util.HashSet<>();
      LongStream.rangeClosed(confirmedStep - 3, confirmedStep + 3)
          .forEach(step -> near.add(Totp.code(secret, step, 6)));
      for (int candidate = 0; ; candidate++) {
        String code = "%06d".formatted(candidate);
        if (!near.contains(code)) {
          return code;
        }
      }
    }
  }

  @Test
  void enrolmentShowsSecretUriAndQrCodeOfThePendingSecret() throws Exception {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);

    Response enrolment = as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp");
    enrolment.then()
        .statusCode(201)
        .header("Cache-Control", "no-store")
        .body("secret", matchesPattern("[A-Z2-7]{32}"));
    String secret = enrolment.path("secret");
    String expectedUri = "otpauth://totp/Farthing:" + user.email() + "?secret=" + secret
        + "&issuer=Farthing&algorithm=SHA1&digits=6&period=30";
    assertEquals(expectedUri, enrolment.path("otpauthUri"));
    assertEquals(expectedUri, PngImage.read(Base64.getDecoder().decode((String) enrolment.path("qrPngBase64"))).decodeQr());

    byte[] png = given().header("Authorization", "Bearer " + token).accept("image/png")
        .get("/v1/me/totp/qr.png")
        .then().statusCode(200).contentType("image/png")
        .extract().asByteArray();
    PngImage image = PngImage.read(png);
    assertEquals(image.width(), image.height());
    assertEquals(expectedUri, image.decodeQr());

    as(token).get("/v1/me/totp").then().statusCode(200)
        .body("pending", equalTo(true)).body("enabled", equalTo(false));
    assertEquals(1, auditCount(user.id(), TotpService.ENROLMENT_STARTED, "SUCCESS"));
  }

  @Test
  void confirmingEnablesTotpAndHandsOutTenRecoveryCodesOnce() {
    Enrolled enrolled = enrolled();

    assertEquals(10, enrolled.recoveryCodes().size());
    assertEquals(10, Set.copyOf(enrolled.recoveryCodes()).size());
    as(enrolled.token()).get("/v1/me/totp").then().statusCode(200)
        .body("enabled", equalTo(true))
        .body("pending", equalTo(false))
        .body("enabledAt", notNullValue())
        .body("recoveryCodesLeft", equalTo(10));
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.ENABLED, "SUCCESS"));
  }

  @Test
  void wrongConfirmationCodeLeavesTotpPendingAndSignInUnchanged() {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    byte[] secret = Base32.decode(as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    String wrong = new Enrolled(user, token, secret, Totp.stepAt(Instant.now()), List.of()).wrongCode();

    as(token).body(Map.of("code", wrong)).post("/v1/me/totp/confirm")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("reason", equalTo("INVALID_OTP"));

    as(token).get("/v1/me/totp").then().body("pending", equalTo(true)).body("enabled", equalTo(false));
    login(user.email(), user.password()).then().statusCode(200).body("accessToken", notNullValue());
    assertEquals(1, auditCount(user.id(), TotpService.ENABLED, "FAILURE"));
  }

  @Test
  void signInWithTotpNeedsTheSecondFactorAndAValidCodeGivesTokens() {
    Enrolled enrolled = enrolled();

    Response first = login(enrolled.user().email(), enrolled.user().password());
    first.then()
        .statusCode(200)
        .body("mfaRequired", equalTo(true))
        .body("methods", contains("totp", "recovery_code"))
        .body("accessToken", nullValue())
        .body("refreshToken", nullValue());
    String mfaToken = first.path("mfaToken");

    String access = completeMfa(mfaToken, Map.of("code", enrolled.nextCode()))
        .then().statusCode(200)
        .body("refreshToken", notNullValue())
        .extract().path("accessToken");
    assertEquals(List.of("otp", "pwd"), claims(access).getList("amr", String.class).stream().sorted().toList());
    as(access).get("/v1/me").then().statusCode(200).body("id", equalTo(enrolled.user().id()));
  }

  @Test
  void rejectsReusedTotpCode() {
    Enrolled enrolled = enrolled();
    completeMfa(mfaTicket(enrolled.user()), Map.of("code", enrolled.nextCode())).then().statusCode(200);

    completeMfa(mfaTicket(enrolled.user()), Map.of("code", enrolled.nextCode()))
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("reason", equalTo("INVALID_OTP"));
    assertEquals(1, auditCount(enrolled.user().id(), MfaLoginService.MFA_FAILED, "FAILURE"));
  }

  @Test
  void rejectsTheConfirmingCodeAtSignIn() {
    Enrolled enrolled = enrolled();
    completeMfa(mfaTicket(enrolled.user()),
            Map.of("code", Totp.code(enrolled.secret(), enrolled.confirmedStep(), 6)))
        .then().statusCode(401).body("reason", equalTo("INVALID_OTP"));
  }

  @Test
  void rejectsCodeFromTwoStepsAgo() {
    Enrolled enrolled = enrolled();
    String old = Totp.code(enrolled.secret(), Totp.stepAt(Instant.now()) - 2, 6);

    completeMfa(mfaTicket(enrolled.user()), Map.of("code", old))
        .then().statusCode(401).body("reason", equalTo("INVALID_OTP"));
  }

  @Test
  void recoveryCodeSignsInOnlyOnce() {
    Enrolled enrolled = enrolled();
    String code = enrolled.recoveryCodes().get(3);

    String access = completeMfa(mfaTicket(enrolled.user()), Map.of("recoveryCode", code.toUpperCase()))
        .then().statusCode(200).extract().path("accessToken");
    assertNotNull(access);
    completeMfa(mfaTicket(enrolled.user()), Map.of("recoveryCode", code))
        .then().statusCode(401).body("reason", equalTo("INVALID_RECOVERY_CODE"));

    as(enrolled.token()).get("/v1/me/totp").then().body("recoveryCodesLeft", equalTo(9));
    assertEquals(1, auditCount(enrolled.user().id(), TotpSecondFactors.RECOVERY_CODE_USED, "SUCCESS"));
  }

  @Test
  void anotherUsersRecoveryCodeDoesNotWork() {
    Enrolled alice = enrolled();
    Enrolled bob = enrolled();

    completeMfa(mfaTicket(alice.user()), Map.of("recoveryCode", bob.recoveryCodes().get(0)))
        .then().statusCode(401).body("reason", equalTo("INVALID_RECOVERY_CODE"));
    as(bob.token()).get("/v1/me/totp").then().body("recoveryCodesLeft", equalTo(10));
  }

  @Test
  void mfaTokenIsSingleUse() {
    Enrolled enrolled = enrolled();
    String ticket = mfaTicket(enrolled.user());
    completeMfa(ticket, Map.of("code", enrolled.nextCode())).then().statusCode(200);

    completeMfa(ticket, Map.of("recoveryCode", enrolled.recoveryCodes().get(0)))
        .then().statusCode(401).body("reason", equalTo("INVALID_MFA_TOKEN"));
    as(enrolled.token()).get("/v1/me/totp").then().body("recoveryCodesLeft", equalTo(10));
  }

  @Test
  void tenWrongCodesLockTheAccountEvenAfterRedisIsFlushed() {
    Enrolled enrolled = enrolled();
    String ticket = mfaTicket(enrolled.user());
    for (int attempt = 1; attempt <= 10; attempt++) {
      completeMfa(ticket, Map.of("code", enrolled.wrongCode()))
          .then().statusCode(401).body("reason", equalTo("INVALID_OTP"));
    }

    // Locked: even the right code is refused now, and so is the password.
    completeMfa(ticket, Map.of("code", enrolled.nextCode()))
        .then().statusCode(423).header("Retry-After", notNullValue()).body("reason", equalTo("ACCOUNT_LOCKED"));
    login(enrolled.user().email(), enrolled.user().password())
        .then().statusCode(423).header("Retry-After", notNullValue());

    // The lock lives in PostgreSQL: losing every Redis counter does not lift it.
    flushTestRedisDatabase();
    login(enrolled.user().email(), enrolled.user().password())
        .then().statusCode(423).body("reason", equalTo("ACCOUNT_LOCKED"));

    assertEquals(10, auditCount(enrolled.user().id(), MfaLoginService.MFA_FAILED, "FAILURE"));
    assertEquals(1, auditCount(enrolled.user().id(), "ACCOUNT_LOCKED", "SUCCESS"));
  }

  @Test
  void correctPasswordDoesNotClearFailedCodes() {
    Enrolled enrolled = enrolled();
    for (int attempt = 1; attempt <= 9; attempt++) {
      completeMfa(mfaTicket(enrolled.user()), Map.of("code", enrolled.wrongCode()))
          .then().statusCode(401);
    }
    // A tenth wrong code after yet another correct password still locks the account.
    completeMfa(mfaTicket(enrolled.user()), Map.of("code", enrolled.wrongCode())).then().statusCode(401);
    login(enrolled.user().email(), enrolled.user().password()).then().statusCode(423);
  }

  @Test
  void malformedMfaAnswersAreProblemJsonAndCountForNothing() {
    Enrolled enrolled = enrolled();
    String ticket = mfaTicket(enrolled.user());

    completeMfa(ticket, Map.of()).then().statusCode(400)
        .contentType("application/problem+json").body("reason", equalTo("MISSING_FIELD"));
    completeMfa(ticket, Map.of("code", "12ab56")).then().statusCode(400).body("reason", equalTo("MALFORMED_OTP"));
    completeMfa(ticket, Map.of("code", enrolled.nextCode(), "recoveryCode", "x"))
        .then().statusCode(400).body("reason", equalTo("MISSING_FIELD"));
    completeMfa("fmt_not-a-ticket", Map.of("code", enrolled.nextCode()))
        .then().statusCode(401).body("reason", equalTo("INVALID_MFA_TOKEN"));

    // The real ticket is untouched and still completes the sign-in.
    completeMfa(ticket, Map.of("code", enrolled.nextCode())).then().statusCode(200);
  }

  @Test
  void enrollingAgainWhileEnabledIsRefused() {
    Enrolled enrolled = enrolled();
    as(enrolled.token()).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(409).body("reason", equalTo("TOTP_ALREADY_ENABLED"));
    given().header("Authorization", "Bearer " + enrolled.token()).accept("image/png")
        .get("/v1/me/totp/qr.png")
        .then().statusCode(404).contentType("application/problem+json").body("reason", equalTo("TOTP_NOT_PENDING"));
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.ENROLMENT_STARTED, "DENIED"));
  }

  @Test
  void disablingNeedsTheRightPasswordAndThenSignInIsPasswordOnly() {
    Enrolled enrolled = enrolled();

    deleteTotp(enrolled.token(), Map.of("password", "not the password at all"))
        .then().statusCode(403).body("reason", equalTo("INVALID_CREDENTIALS"));
    deleteTotp(enrolled.token(), Map.of()).then().statusCode(400).body("reason", equalTo("PROOF_REQUIRED"));
    as(enrolled.token()).get("/v1/me/totp").then().body("enabled", equalTo(true));

    deleteTotp(enrolled.token(), Map.of("password", enrolled.user().password())).then().statusCode(204);

    as(enrolled.token()).get("/v1/me/totp").then()
        .body("enabled", equalTo(false)).body("pending", equalTo(false)).body("recoveryCodesLeft", equalTo(0));
    login(enrolled.user().email(), enrolled.user().password())
        .then().statusCode(200).body("accessToken", notNullValue()).body("mfaRequired", nullValue());
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.DISABLED, "FAILURE"));
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.DISABLED, "SUCCESS"));
  }

  @Test
  void disablingWithACurrentCodeWorksAndAWrongCodeIsRefused() {
    Enrolled enrolled = enrolled();
    deleteTotp(enrolled.token(), Map.of("code", enrolled.wrongCode()))
        .then().statusCode(403).body("reason", equalTo("INVALID_OTP"));
    deleteTotp(enrolled.token(), Map.of("code", enrolled.nextCode())).then().statusCode(204);
    deleteTotp(enrolled.token(), Map.of("password", enrolled.user().password()))
        .then().statusCode(422).body("reason", equalTo("TOTP_NOT_ENABLED"));
  }

  @Test
  void regeneratingRecoveryCodesRetiresTheOldOnes() {
    Enrolled enrolled = enrolled();
    as(enrolled.token()).body(Map.of("code", enrolled.wrongCode())).post("/v1/me/totp/recovery-codes")
        .then().statusCode(403).body("reason", equalTo("INVALID_OTP"));

    List<String> fresh = as(enrolled.token()).body(Map.of("code", enrolled.nextCode()))
        .post("/v1/me/totp/recovery-codes")
        .then().statusCode(200).body("recoveryCodes", hasSize(10))
        .extract().path("recoveryCodes");

    completeMfa(mfaTicket(enrolled.user()), Map.of("recoveryCode", enrolled.recoveryCodes().get(0)))
        .then().statusCode(401).body("reason", equalTo("INVALID_RECOVERY_CODE"));
    completeMfa(mfaTicket(enrolled.user()), Map.of("recoveryCode", fresh.get(0))).then().statusCode(200);
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.RECOVERY_CODES_REGENERATED, "SUCCESS"));
    assertEquals(1, auditCount(enrolled.user().id(), TotpService.RECOVERY_CODES_REGENERATED, "FAILURE"));
  }

  @Test
  void totpEndpointsNeedAUserToken() {
    json().post("/v1/me/totp").then().statusCode(401).contentType("application/problem+json");
    json().body(Map.of("code", "123456")).post("/v1/me/totp/confirm").then().statusCode(401);
  }

  @Test
  void confirmingWithoutEnrolmentIsRefused() {
    String token = accessTokenFor(aUser());
    as(token).body(Map.of("code", "123456")).post("/v1/me/totp/confirm")
        .then().statusCode(422).body("reason", equalTo("TOTP_NOT_PENDING"));
  }

  @Test
  void restartingEnrolmentReplacesThePendingSecret() {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    byte[] first = Base32.decode(as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    String second = as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret");
    long step = Totp.stepAt(Instant.now());
    assertTrue(!Base32.encode(first).equals(second));

    as(token).body(Map.of("code", Totp.code(first, step, 6))).post("/v1/me/totp/confirm")
        .then().statusCode(422).body("reason", equalTo("INVALID_OTP"));
    as(token).body(Map.of("code", Totp.code(Base32.decode(second), step, 6))).post("/v1/me/totp/confirm")
        .then().statusCode(200).body("recoveryCodes", hasSize(10));
  }

  @Test
  void enablingTotpEndsSessionsOpenedWithThePasswordAlone() {
    Api.TestUser user = aUser();
    Api.Tokens before = Api.signIn(user);
    byte[] key = Base32.decode(as(before.accessToken()).body(Map.of("password", Api.PASSWORD))
        .post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    as(before.accessToken()).body(Map.of("code", Totp.code(key, Totp.stepAt(Instant.now()), 6)))
        .post("/v1/me/totp/confirm").then().statusCode(200);

    json().body(Map.of("refreshToken", before.refreshToken())).post("/v1/auth/refresh")
        .then().statusCode(401);
  }

  private static Enrolled enrolled() {
    Api.TestUser user = aUser();
    String token = accessTokenFor(user);
    String secret = as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret");
    byte[] key = Base32.decode(secret);
    long step = Totp.stepAt(Instant.now());
    List<String> codes = as(token).body(Map.of("code", Totp.code(key, step, 6)))
        .post("/v1/me/totp/confirm")
        .then().statusCode(200).body("enabled", equalTo(true))
        .extract().path("recoveryCodes");
    return new Enrolled(user, token, key, step, codes);
  }

  private static String mfaTicket(Api.TestUser user) {
    return login(user.email(), user.password())
        .then().statusCode(200).body("mfaRequired", equalTo(true))
        .extract().path("mfaToken");
  }

  private static Response completeMfa(String mfaToken, Map<String, String> answer) {
    Map<String, String> body = new java.util.HashMap<>(answer);
    body.put("mfaToken", mfaToken);
    return json().body(body).post("/v1/auth/login/mfa");
  }

  private static Response deleteTotp(String token, Map<String, String> body) {
    return as(token).body(body).delete("/v1/me/totp");
  }
}
