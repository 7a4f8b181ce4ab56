package io.farthing.auth.input;

import static io.farthing.auth.support.Api.json;
import static org.hamcrest.Matchers.equalTo;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.common.rest.Problem;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  @Test
  void registeringWithTheEmailNamedTwiceIsMalformedAndCreatesNoAccount() {
    String first = Api.uniqueEmail();
    String second = Api.uniqueEmail();
    json()
        .body("{\"email\":\"" + first + "\",\"password\":\"" + Api.PASSWORD + "\",\"email\":\"" + second + "\"}")
        .post("/v1/users")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    Api.login(first, Api.PASSWORD).then().statusCode(401);
    Api.login(second, Api.PASSWORD).then().statusCode(401);
    // Neither address was taken: both register now.
    json().body(Map.of("email", first, "password", Api.PASSWORD)).post("/v1/users").then().statusCode(201);
    json().body(Map.of("email", second, "password", Api.PASSWORD)).post("/v1/users").then().statusCode(201);
  }
}
