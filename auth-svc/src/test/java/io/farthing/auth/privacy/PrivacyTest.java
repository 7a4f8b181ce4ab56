package io.farthing.auth.privacy;

import static io.farthing.auth.support.AccountsFixtures.aClient;
import static io.farthing.auth.support.AccountsFixtures.anAdminToken;
import static io.farthing.auth.support.AccountsFixtures.internalToken;
import static io.farthing.testing.Grpc.withToken;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.json;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.support.AccountsFixtures.Client;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.testing.Sql;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.type.v1.Money;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class PrivacyTest {
  private static final String PROBLEM = "application/problem+json";

  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;
  @Inject TokenIssuer issuer;
  @Inject ErasureProbe probe;

  @Test
  void exportHoldsProfileSessionsConsentsAndAuditButNoSecrets() {
    String email = Api.uniqueEmail();
    String id = json().body(Map.of("email", email, "password", Api.PASSWORD, "displayName", "Ada L.",
            "timeZone", "Europe/London"))
        .post("/v1/users").then().statusCode(201).extract().path("id");
    Api.TestUser person = new Api.TestUser(id, email, Api.PASSWORD);
    Api.Tokens tokens = Api.signIn(person);
    Client partner = aClient(anAdminToken(), "payments:charge");
    String consentId = as(tokens.accessToken()).body(Map.of("partnerClientId", partner.clientId()))
        .post("/v1/me/consents").then().statusCode(201).extract().path("id");

    String body = as(tokens.accessToken()).get("/v1/me/export").then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("profile.id", equalTo(id))
        .body("profile.email", equalTo(email))
        .body("profile.displayName", equalTo("Ada L."))
        .body("profile.timeZone", equalTo("Europe/London"))
        .body("profile.securityLevel", equalTo("STANDARD"))
        .body("sessions.size()", greaterThanOrEqualTo(1))
        .body("sessions[0].issuedAt", notNullValue())
        .body("sessions[0].expiresAt", notNullValue())
        .body("sections.consents.id", hasItems(consentId))
        .body("auditEvents.action", hasItems("USER_REGISTERED", "LOGIN_SUCCEEDED", "CONSENT_GRANTED"))
        .body("truncated", equalTo(false))
        .extract().asString();

    assertFalse(body.contains(tokens.refreshToken()), "refresh token leaked");
    assertFalse(body.contains(Secrets.sha256Hex(tokens.refreshToken())), "refresh token digest leaked");
    assertFalse(body.contains("argon2"), "password hash leaked");
    assertFalse(body.contains("tokenHash") || body.contains("dataKey"), body);
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'USER_DATA_EXPORTED'", UUID.fromString(id)));
  }

  @Test
  void exportNeverContainsAnotherUsersData() {
    Api.TestUser alice = Api.aUser();
    String aliceToken = Api.signIn(alice).accessToken();
    Client partner = aClient(anAdminToken(), "payments:charge");
    String alicesConsent = as(aliceToken).body(Map.of("partnerClientId", partner.clientId()))
        .post("/v1/me/consents").then().statusCode(201).extract().path("id");
    Api.TestUser bob = Api.aUser();

    String body = as(Api.signIn(bob).accessToken()).get("/v1/me/export").then()
        .statusCode(200)
        .body("profile.id", equalTo(bob.id()))
        .body("sections.consents.id", not(hasItems(alicesConsent)))
        .extract().asString();
    assertFalse(body.contains(alice.email()));
    assertFalse(body.contains(alice.id()));
  }

  @Test
  void erasureWithAWrongPasswordIsRefusedAuditedAndChangesNothing() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    as(token).body(Map.of("password", "certainly not the password")).post("/v1/me/erase").then()
        .statusCode(403).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/invalid-credentials"));
    as(token).body(Map.of()).post("/v1/me/erase").then()
        .statusCode(400).contentType(PROBLEM);

    Object[] row = userRow(person.id());
    assertEquals("ACTIVE", row[5]);
    assertNotNull(row[1]);
    assertNotNull(row[3]);
    Api.signIn(person);
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'USER_ERASED' AND outcome = 'DENIED'", UUID.fromString(person.id())));
  }

  @Test
  void erasureShredsPersonalDataRevokesEverythingAndKeepsTheId() {
    Api.TestUser person = Api.aUser();
    UUID id = UUID.fromString(person.id());
    Api.Tokens tokens = Api.signIn(person);
    Client partner = aClient(anAdminToken(), "payments:charge");
    as(tokens.accessToken()).body(Map.of("partnerClientId", partner.clientId(),
            "maxPerCharge", Map.of("amountMinor", 300, "currency", "EUR")))
        .post("/v1/me/consents").then().statusCode(201);
    assertTrue(Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 AND ip IS NOT NULL", id) > 0);

    as(tokens.accessToken()).body(Map.of("password", person.password())).post("/v1/me/erase").then()
        .statusCode(204);

    Object[] row = userRow(person.id());
    for (int column = 0; column <= 4; column++) {
      assertNull(row[column], "column " + column + " still holds data");
    }
    assertEquals("ERASED", row[5]);
    assertNotNull(row[6], "erased_at");
    assertEquals(0, Sql.count("SELECT count(*) FROM refresh_tokens WHERE user_id = ?1 AND revoked_at IS NULL", id));
    assertEquals(0, Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1 AND revoked_at IS NULL", id));
    assertEquals(1, Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1", id));
    assertEquals(0, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND (ip IS NOT NULL OR user_agent IS NOT NULL)", id));
    assertTrue(Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'CONSENT_GRANTED' AND outcome = 'SUCCESS'", id) == 1, "audit shape kept");
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'USER_ERASED' AND outcome = 'SUCCESS' AND actor_type = 'user'", id));
    assertTrue(probe.wasErased(id), "every PersonalDataHolder takes part");
  }

  @Test
  void afterErasureTheAccountIsGoneAndTheEmailIsFreeAgain() {
    Api.TestUser person = Api.aUser();
    Api.Tokens tokens = Api.signIn(person);
    Client partner = aClient(anAdminToken(), "payments:charge");
    as(tokens.accessToken()).body(Map.of("partnerClientId", partner.clientId()))
        .post("/v1/me/consents").then().statusCode(201);
    as(tokens.accessToken()).body(Map.of("password", person.password())).post("/v1/me/erase").then()
        .statusCode(204);

    Api.login(person.email(), person.password()).then()
        .statusCode(401).body("type", equalTo("https://problems.farthing.io/invalid-credentials"));
    json().body(Map.of("refreshToken", tokens.refreshToken())).post("/v1/auth/refresh").then().statusCode(401);
    String userNotFound = "https://problems.farthing.io/user-not-found";
    as(tokens.accessToken()).get("/v1/me").then().statusCode(404).body("type", equalTo(userNotFound));
    as(tokens.accessToken()).get("/v1/me/export").then().statusCode(404).body("type", equalTo(userNotFound));
    as(tokens.accessToken()).get("/v1/me/consents").then().statusCode(404).body("type", equalTo(userNotFound));
    as(tokens.accessToken()).get("/v1/me/security-level").then()
        .statusCode(404).body("type", equalTo(userNotFound));
    as(tokens.accessToken()).body(Map.of("partnerClientId", partner.clientId()))
        .post("/v1/me/consents").then().statusCode(404).body("type", equalTo(userNotFound));
    as(tokens.accessToken()).body(Map.of("password", person.password())).post("/v1/me/erase").then()
        .statusCode(404).body("type", equalTo(userNotFound));

    AuthGrpc.AuthBlockingStub internal = withToken(grpc, internalToken(issuer));
    assertEquals(UserStatus.USER_STATUS_ERASED,
        internal.getUser(GetUserRequest.newBuilder().setUserId(person.id()).build()).getStatus());
    assertEquals("USER_NOT_ACTIVE", internal.checkConsent(CheckConsentRequest.newBuilder()
        .setUserId(person.id()).setPartnerClientId(partner.clientId())
        .setAmount(Money.newBuilder().setAmountMinor(1).setCurrency("EUR")).build()).getReason());

    String newId = json().body(Map.of("email", person.email(), "password", Api.PASSWORD))
        .post("/v1/users").then().statusCode(201).extract().path("id");
    assertNotEquals(person.id(), newId);
    Api.signIn(new Api.TestUser(newId, person.email(), Api.PASSWORD));
  }

  @Test
  void erasureIsAllOrNothingWhenAFeatureCannotErase() {
    Api.TestUser person = Api.aUser();
    UUID id = UUID.fromString(person.id());
    Api.Tokens tokens = Api.signIn(person);
    Client partner = aClient(anAdminToken(), "payments:charge");
    as(tokens.accessToken()).body(Map.of("partnerClientId", partner.clientId()))
        .post("/v1/me/consents").then().statusCode(201);

    probe.failErasureOf(id);
    try {
      as(tokens.accessToken()).body(Map.of("password", person.password())).post("/v1/me/erase").then()
          .statusCode(500).contentType(PROBLEM);
    } finally {
      probe.allowErasureOf(id);
    }

    Object[] row = userRow(person.id());
    assertEquals("ACTIVE", row[5]);
    assertNotNull(row[3], "data key kept");
    assertEquals(1, Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1 AND revoked_at IS NULL", id));
    assertTrue(Sql.count("SELECT count(*) FROM refresh_tokens WHERE user_id = ?1 AND revoked_at IS NULL", id) > 0);
    assertTrue(Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 AND ip IS NOT NULL", id) > 0);
    assertEquals(0, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'USER_ERASED' AND outcome = 'SUCCESS'", id));
    as(tokens.accessToken()).get("/v1/me").then().statusCode(200);
  }

  @Test
  void onlyAnAdministratorMayEraseSomeoneElse() {
    Api.TestUser alice = Api.aUser();
    String bob = Api.signIn(Api.aUser()).accessToken();
    as(bob).post("/admin/v1/users/" + alice.id() + "/erase").then().statusCode(403).contentType(PROBLEM);
    json().post("/admin/v1/users/" + alice.id() + "/erase").then().statusCode(401);
    assertEquals("ACTIVE", userRow(alice.id())[5]);

    String admin = anAdminToken();
    as(admin).post("/admin/v1/users/" + alice.id() + "/erase").then().statusCode(204);
    assertEquals("ERASED", userRow(alice.id())[5]);
    assertNull(userRow(alice.id())[3]);
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'USER_ERASED' AND actor_type = 'admin'", UUID.fromString(alice.id())));
    Api.login(alice.email(), alice.password()).then().statusCode(401);

    as(admin).post("/admin/v1/users/" + alice.id() + "/erase").then().statusCode(404);
    as(admin).post("/admin/v1/users/" + UUID.randomUUID() + "/erase").then()
        .statusCode(404).body("type", equalTo("https://problems.farthing.io/user-not-found"));
    as(admin).post("/admin/v1/users/nope/erase").then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-id"));
  }

  /** email_index, email_enc, display_name_enc, data_key_wrapped, password_hash, status, erased_at. */
  private static Object[] userRow(String id) {
    return Sql.row("SELECT email_index, email_enc, display_name_enc, data_key_wrapped, password_hash, status, "
        + "erased_at FROM users WHERE id = ?1", UUID.fromString(id));
  }
}
