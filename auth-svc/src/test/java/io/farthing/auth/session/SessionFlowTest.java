package io.farthing.auth.session;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.json;
import static io.farthing.auth.support.Api.login;
import static io.farthing.auth.support.Api.signIn;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class SessionFlowTest {

  @Test
  void registeredUserSignsInAndReadsOwnProfile() {
    Api.TestUser user = aUser();
    Api.Tokens tokens = signIn(user);

    as(tokens.accessToken())
        .get("/v1/me")
        .then()
        .statusCode(200)
        .body("id", equalTo(user.id()))
        .body("email", equalTo(user.email()))
        .body("securityLevel", equalTo("STANDARD"));
  }

  @Test
  void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
    Api.TestUser user = aUser();
    login(user.email(), "not the password at all")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://problems.farthing.io/invalid-credentials"));
    login(Api.uniqueEmail(), "not the password at all")
        .then()
        .statusCode(401)
        .body("type", equalTo("https://problems.farthing.io/invalid-credentials"));
  }

  @Test
  void refreshRotatesTheTokenAndTheOldOneIsSpent() {
    Api.Tokens first = signIn(aUser());
    String second =
        json()
            .body(Map.of("refreshToken", first.refreshToken()))
            .post("/v1/auth/refresh")
            .then()
            .statusCode(200)
            .body("refreshToken", not(equalTo(first.refreshToken())))
            .extract()
            .path("refreshToken");
    assertNotEquals(first.refreshToken(), second);
  }

  @Test
  void reusingASpentRefreshTokenRevokesTheWholeFamily() {
    Api.Tokens first = signIn(aUser());
    String second =
        json().body(Map.of("refreshToken", first.refreshToken())).post("/v1/auth/refresh")
            .then().statusCode(200).extract().path("refreshToken");

    // An attacker replays the stolen, already spent token.
    json().body(Map.of("refreshToken", first.refreshToken())).post("/v1/auth/refresh")
        .then()
        .statusCode(401)
        .body("reason", equalTo("REFRESH_TOKEN_REUSED"));

    // The legitimate holder's newer token died with the family.
    json().body(Map.of("refreshToken", second)).post("/v1/auth/refresh")
        .then()
        .statusCode(401)
        .body("reason", equalTo("INVALID_REFRESH_TOKEN"));
  }

  @Test
  void logoutEndsTheSession() {
    Api.Tokens tokens = signIn(aUser());
    json().body(Map.of("refreshToken", tokens.refreshToken())).post("/v1/auth/logout")
        .then().statusCode(204);
    json().body(Map.of("refreshToken", tokens.refreshToken())).post("/v1/auth/refresh")
        .then().statusCode(401);
  }

  @Test
  void shortPasswordIsRefusedAndCreatesNothing() {
    String email = Api.uniqueEmail();
    json().body(Map.of("email", email, "password", "short"))
        .post("/v1/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("reason", equalTo("WEAK_PASSWORD"));
    login(email, "short").then().statusCode(401);
  }
}
