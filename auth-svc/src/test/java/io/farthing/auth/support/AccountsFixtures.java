package io.farthing.auth.support;

import io.farthing.testing.Sql;
import static io.farthing.auth.support.Api.as;
import static io.restassured.RestAssured.given;

import io.farthing.auth.token.TokenIssuer;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Builders for the account features' tests: admins, API clients, tokens, gRPC metadata. */
public final class AccountsFixtures {
  private AccountsFixtures() {}

  public record Client(String clientId, String clientSecret) {}

  /** A fresh administrator: registered, promoted in the database, then signed in again. */
  public static String anAdminToken() {
    Api.TestUser user = Api.aUser();
    Sql.update("UPDATE users SET roles = 'user,admin' WHERE id = ?1", UUID.fromString(user.id()));
    return Api.signIn(user).accessToken();
  }

  public static Response createClient(String adminToken, String name, List<String> scopes) {
    return as(adminToken).body(Map.of("name", name, "scopes", scopes)).post("/admin/v1/clients");
  }

  public static Client aClient(String adminToken, String... scopes) {
    Response created = createClient(adminToken, "Partner " + UUID.randomUUID(), List.of(scopes));
    created.then().statusCode(201);
    return new Client(created.path("clientId"), created.path("clientSecret"));
  }

  /** POST /oauth2/token with HTTP Basic client authentication. */
  public static Response tokenRequest(Client client, Map<String, String> form) {
    return given()
        .auth()
        .preemptive()
        .basic(client.clientId(), client.clientSecret())
        .contentType("application/x-www-form-urlencoded")
        .formParams(form)
        .post("/oauth2/token");
  }

  public static String partnerToken(Client client) {
    return tokenRequest(client, Map.of("grant_type", "client_credentials"))
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
  }

  /** A token with scope auth:internal, as payments-svc would hold. */
  public static String internalToken(TokenIssuer issuer) {
    return Sql.await(() -> issuer.partnerAccessToken("test-internal", Set.of("auth:internal"))).token();
  }

}
