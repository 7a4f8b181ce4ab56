package io.farthing.auth.client;

import static io.farthing.auth.support.AccountsFixtures.aClient;
import static io.farthing.auth.support.AccountsFixtures.anAdminToken;
import static io.farthing.auth.support.Api.claims;
import static io.farthing.auth.support.AccountsFixtures.createClient;
import static io.farthing.auth.support.AccountsFixtures.tokenRequest;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.support.AccountsFixtures.Client;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.testing.Sql;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class ClientCredentialsTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String CLIENT_CREDENTIALS = "client_credentials";

  @Inject RedisDataSource redis;

  @Test
  void adminCreatesAClientWhoseSecretIsShownOnceAndStoredOnlyAsItsDigest() {
    String admin = anAdminToken();
    String name = "Arcade " + UUID.randomUUID();
    Response created = createClient(admin, name, List.of("payments:charge", "payments:read"));
    created.then()
        .statusCode(201)
        .header("Cache-Control", "no-store")
        .body("clientId", matchesPattern("^fcl_[0-9a-f]{32}$"))
        .body("clientSecret", startsWith("fcs_"))
        .body("name", equalTo(name))
        .body("scopes", equalTo(List.of("payments:charge", "payments:read")))
        .body("createdAt", notNullValue());
    String clientId = created.path("clientId");
    String secret = created.path("clientSecret");

    as(admin).get("/admin/v1/clients/" + clientId).then()
        .statusCode(200)
        .body("clientId", equalTo(clientId))
        .body("status", equalTo("ACTIVE"))
        .body("clientSecret", nullValue())
        .body("secretHash", nullValue());
    String stored = (String) Sql.row("SELECT secret_hash, name FROM api_clients WHERE id = ?1", clientId)[0];
    assertEquals(Secrets.sha256Hex(secret), stored);
    assertEquals(0, Sql.count("SELECT count(*) FROM api_clients WHERE secret_hash = ?1", secret));
    assertEquals(1, auditCount("CLIENT_CREATED", clientId));
  }

  @Test
  void usersAndAnonymousCallersCannotManageClients() {
    String admin = anAdminToken();
    Client client = aClient(admin, "payments:read");
    String user = Api.signIn(Api.aUser()).accessToken();
    String path = "/admin/v1/clients/" + client.clientId();

    as(user).body(Map.of("name", "x", "scopes", List.of("payments:read"))).post("/admin/v1/clients")
        .then().statusCode(403).contentType(PROBLEM);
    as(user).get("/admin/v1/clients").then().statusCode(403);
    as(user).get(path).then().statusCode(403);
    as(user).body(Map.of()).post(path + "/rotate-secret").then().statusCode(403);
    as(user).post(path + "/disable").then().statusCode(403);
    as(user).body(Map.of("scopes", List.of("auth:internal"))).patch(path).then().statusCode(403);
    json().get(path).then().statusCode(401).contentType(PROBLEM);

    as(admin).get(path).then().statusCode(200)
        .body("status", equalTo("ACTIVE"))
        .body("scopes", equalTo(List.of("payments:read")));
  }

  @Test
  void unknownScopeIsRefusedAndNothingIsCreated() {
    String name = "Bad scopes " + UUID.randomUUID();
    createClient(anAdminToken(), name, List.of("payments:charge", "payments:everything")).then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/unknown-scope"));
    assertEquals(0, Sql.count("SELECT count(*) FROM api_clients WHERE name = ?1", name));
  }

  @Test
  void blankNameOrNoScopesAreRefused() {
    String admin = anAdminToken();
    createClient(admin, "   ", List.of("payments:read")).then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-name"));
    createClient(admin, "No scopes " + UUID.randomUUID(), List.of()).then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/missing-field"));
  }

  @Test
  void goodSecretGetsATokenCarryingItsScopesAsScopeAndGroups() {
    Client client = aClient(anAdminToken(), "payments:charge", "payments:read");
    Response response = tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS));
    response.then()
        .statusCode(200)
        .contentType("application/json")
        .header("Cache-Control", "no-store")
        .body("token_type", equalTo("Bearer"))
        .body("expires_in", greaterThan(0))
        .body("scope", equalTo("payments:charge payments:read"));

    JsonPath claims = claims(response.path("access_token"));
    assertEquals(client.clientId(), claims.getString("sub"));
    assertEquals(client.clientId(), claims.getString("client_id"));
    assertEquals("payments:charge payments:read", claims.getString("scope"));
    List<String> groups = claims.getList("groups");
    assertTrue(groups.containsAll(List.of("payments:charge", "payments:read", "partner")), groups.toString());
    assertFalse(groups.contains("user"));
  }

  @Test
  void formCredentialsWithANarrowerScopeGetOnlyThatScope() {
    Client client = aClient(anAdminToken(), "payments:charge", "payments:read");
    Response response = given()
        .contentType("application/x-www-form-urlencoded")
        .formParams(Map.of("grant_type", CLIENT_CREDENTIALS, "client_id", client.clientId(),
            "client_secret", client.clientSecret(), "scope", "payments:read"))
        .post("/oauth2/token");
    response.then().statusCode(200).body("scope", equalTo("payments:read"));
    List<String> groups = claims(response.path("access_token")).getList("groups");
    assertTrue(groups.contains("payments:read"));
    assertFalse(groups.contains("payments:charge"));
  }

  @Test
  void wrongSecretIsInvalidClientAndAuditedWithoutTheSecret() {
    Client client = aClient(anAdminToken(), "payments:read");
    String wrong = "fcs_not-the-secret-" + UUID.randomUUID();
    tokenRequest(new Client(client.clientId(), wrong), Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(401)
        .contentType("application/json")
        .header("WWW-Authenticate", startsWith("Basic"))
        .body("error", equalTo("invalid_client"))
        .body("error_description", notNullValue())
        .body("access_token", nullValue());

    assertEquals(1, Sql.count(
        "SELECT count(*) FROM audit_events WHERE action = 'CLIENT_AUTH_FAILED' AND actor_id = ?1 "
            + "AND outcome = 'FAILURE' AND details = 'wrong secret'", client.clientId()));
    assertEquals(0, Sql.count("SELECT count(*) FROM audit_events WHERE details LIKE ?1", "%" + wrong + "%"));
  }

  @Test
  void unknownClientIsInvalidClient() {
    Client ghost = new Client("fcl_" + UUID.randomUUID().toString().replace("-", ""), "fcs_whatever");
    tokenRequest(ghost, Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(401).body("error", equalTo("invalid_client"));
    given().contentType("application/x-www-form-urlencoded")
        .formParams(Map.of("grant_type", CLIENT_CREDENTIALS))
        .post("/oauth2/token").then()
        .statusCode(401).body("error", equalTo("invalid_client"));
  }

  @Test
  void disabledClientGetsNoNewTokens() {
    String admin = anAdminToken();
    Client client = aClient(admin, "payments:read");
    as(admin).post("/admin/v1/clients/" + client.clientId() + "/disable").then()
        .statusCode(200)
        .body("status", equalTo("DISABLED"))
        .body("disabledAt", notNullValue());

    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(401).body("error", equalTo("invalid_client"));
    assertEquals(1, auditCount("CLIENT_DISABLED", client.clientId()));
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE action = 'CLIENT_AUTH_FAILED' "
        + "AND actor_id = ?1 AND details = 'client disabled'", client.clientId()));
  }

  @Test
  void scopeTheClientDoesNotHoldIsInvalidScope() {
    Client client = aClient(anAdminToken(), "payments:read");
    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS, "scope", "payments:read webhooks:manage"))
        .then().statusCode(400).body("error", equalTo("invalid_scope"));
    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS, "scope", "made:up"))
        .then().statusCode(400).body("error", equalTo("invalid_scope"));
    assertEquals(2, Sql.count("SELECT count(*) FROM audit_events WHERE action = 'CLIENT_TOKEN_REFUSED' "
        + "AND actor_id = ?1", client.clientId()));
  }

  @Test
  void otherGrantTypesAreUnsupportedAndAMissingOneIsAnInvalidRequest() {
    Client client = aClient(anAdminToken(), "payments:read");
    tokenRequest(client, Map.of("grant_type", "password")).then()
        .statusCode(400).contentType("application/json").body("error", equalTo("unsupported_grant_type"));
    tokenRequest(client, Map.of("scope", "payments:read")).then()
        .statusCode(400).body("error", equalTo("invalid_request"));
  }

  @Test
  void twoClientAuthenticationMethodsAtOnceAreAnInvalidRequest() {
    Client client = aClient(anAdminToken(), "payments:read");
    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS, "client_secret", client.clientSecret()))
        .then().statusCode(400).body("error", equalTo("invalid_request"));
  }

  @Test
  void aJsonBodyIsNotATokenRequest() {
    Client client = aClient(anAdminToken(), "payments:read");
    json().body(Map.of("grant_type", CLIENT_CREDENTIALS, "client_id", client.clientId(),
            "client_secret", client.clientSecret()))
        .post("/oauth2/token").then()
        .statusCode(415);
  }

  @Test
  void rotatedSecretKeepsWorkingDuringTheDefaultGracePeriod() {
    String admin = anAdminToken();
    Client old = aClient(admin, "payments:read");
    Response rotated = as(admin).post("/admin/v1/clients/" + old.clientId() + "/rotate-secret");
    rotated.then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("clientSecret", startsWith("fcs_"))
        .body("previousSecretExpiresAt", notNullValue());
    Client renewed = new Client(old.clientId(), rotated.path("clientSecret"));
    assertNotEquals(old.clientSecret(), renewed.clientSecret());
    Instant graceEnds = Instant.parse(rotated.path("previousSecretExpiresAt"));
    assertTrue(graceEnds.isAfter(Instant.now().plusSeconds(23 * 3600)), graceEnds.toString());

    tokenRequest(old, Map.of("grant_type", CLIENT_CREDENTIALS)).then().statusCode(200);
    tokenRequest(renewed, Map.of("grant_type", CLIENT_CREDENTIALS)).then().statusCode(200);
    assertEquals(1, auditCount("CLIENT_SECRET_ROTATED", old.clientId()));
  }

  @Test
  void rotatedSecretWithZeroGraceStopsTheOldSecretAtOnce() {
    String admin = anAdminToken();
    Client old = aClient(admin, "payments:read");
    String next = as(admin).body(Map.of("graceSeconds", 0))
        .post("/admin/v1/clients/" + old.clientId() + "/rotate-secret")
        .then().statusCode(200).extract().path("clientSecret");

    tokenRequest(old, Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(401).body("error", equalTo("invalid_client"));
    tokenRequest(new Client(old.clientId(), next), Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(200);
  }

  @Test
  void graceOutsideZeroToAWeekIsRefusedAndTheSecretStaysAsItWas() {
    String admin = anAdminToken();
    Client client = aClient(admin, "payments:read");
    String path = "/admin/v1/clients/" + client.clientId() + "/rotate-secret";
    as(admin).body(Map.of("graceSeconds", 604_801)).post(path).then()
        .statusCode(400).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/invalid-grace-period"));
    as(admin).body(Map.of("graceSeconds", -1)).post(path).then().statusCode(400);

    Object[] stored = Sql.row(
        "SELECT secret_hash, previous_secret_hash FROM api_clients WHERE id = ?1", client.clientId());
    assertEquals(Secrets.sha256Hex(client.clientSecret()), stored[0]);
    assertEquals(null, stored[1]);
    assertEquals(0, auditCount("CLIENT_SECRET_ROTATED", client.clientId()));
  }

  @Test
  void adminReplacesScopesAndLaterTokensCarryTheNewOnes() {
    String admin = anAdminToken();
    Client client = aClient(admin, "payments:charge", "payments:read");
    String path = "/admin/v1/clients/" + client.clientId();
    as(admin).body(Map.of("scopes", List.of("payments:read"))).patch(path).then()
        .statusCode(200).body("scopes", equalTo(List.of("payments:read")));
    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(200).body("scope", equalTo("payments:read"));
    assertEquals(1, auditCount("CLIENT_SCOPES_CHANGED", client.clientId()));

    as(admin).body(Map.of("scopes", List.of("payments:read", "root"))).patch(path).then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/unknown-scope"));
    as(admin).get(path).then().body("scopes", equalTo(List.of("payments:read")));
  }

  @Test
  void unknownClientIdsAreNotFound() {
    String admin = anAdminToken();
    String ghost = "/admin/v1/clients/fcl_" + UUID.randomUUID().toString().replace("-", "");
    as(admin).get(ghost).then().statusCode(404).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/client-not-found"));
    as(admin).post(ghost + "/rotate-secret").then().statusCode(404);
    as(admin).post(ghost + "/disable").then().statusCode(404);
    as(admin).get("/admin/v1/clients/not-an-id").then().statusCode(404);
  }

  @Test
  void listingPagesThroughClientsWithoutSecrets() {
    String admin = anAdminToken();
    aClient(admin, "payments:read");
    aClient(admin, "payments:read");
    Response first = as(admin).queryParam("limit", 1).get("/admin/v1/clients");
    first.then().statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].clientSecret", nullValue())
        .body("nextCursor", notNullValue());
    String firstId = first.path("items[0].clientId");
    as(admin).queryParam("limit", 1).queryParam("cursor", (String) first.path("nextCursor"))
        .get("/admin/v1/clients").then()
        .statusCode(200)
        .body("items[0].clientId", not(equalTo(firstId)));

    as(admin).queryParam("limit", 101).get("/admin/v1/clients").then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-limit"));
    as(admin).queryParam("cursor", "%%%").get("/admin/v1/clients").then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-cursor"));
  }

  @Test
  void tooManyTokenRequestsForOneClientAreRateLimited() {
    Client client = aClient(anAdminToken(), "payments:read");
    // Fill this client's bucket for this minute and the next, so the boundary cannot matter.
    long window = Instant.now().getEpochSecond() / 60;
    for (long w = window; w <= window + 1; w++) {
      redis.value(String.class).setex("auth:rl:oauth-token-client:" + client.clientId() + ":" + w, 180, "100000");
    }
    tokenRequest(client, Map.of("grant_type", CLIENT_CREDENTIALS)).then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .body("error", equalTo("slow_down"));
  }

  @Test
  void malformedBasicCredentialsAreInvalidClient() {
    given().header("Authorization", "Basic !!!not-base64")
        .contentType("application/x-www-form-urlencoded")
        .formParams(Map.of("grant_type", CLIENT_CREDENTIALS))
        .post("/oauth2/token").then()
        .statusCode(401)
        .body("error", equalTo("invalid_client"))
        .body("error_description", not(containsString("Exception")));
  }

  private static long auditCount(String action, String clientId) {
    return Sql.count(
        "SELECT count(*) FROM audit_events WHERE action = ?1 AND details LIKE ?2 AND outcome = 'SUCCESS'",
        action, clientId + "%");
  }
}
