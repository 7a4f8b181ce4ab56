package io.farthing.notify.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.farthing.common.Ids;
import io.farthing.common.rest.Problem;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";
  static final String PREFERENCES = "/v1/notification-preferences";

  @Test
  void preferencesNamingTheEmailTwiceAreMalformedAndNotStored() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json")
        .body("{\"email\":\"first@example.com\",\"channels\":{\"payments\":[\"in_app\"]},\"email\":\"second@example.com\"}")
        .put(PREFERENCES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));
    given().auth().oauth2(token).get(PREFERENCES).then().statusCode(200).body("customised", equalTo(false));
  }

  @Test
  void aDuplicateKeyInsideANestedObjectIsMalformedToo() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json")
        .body("{\"channels\":{\"payments\":[\"in_app\"],\"payments\":[\"email\"]}}")
        .put(PREFERENCES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("MALFORMED_BODY"));
    given().auth().oauth2(token).get(PREFERENCES).then().statusCode(200).body("customised", equalTo(false));
  }
}
