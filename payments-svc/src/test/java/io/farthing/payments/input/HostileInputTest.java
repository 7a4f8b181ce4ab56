package io.farthing.payments.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.common.rest.Problem;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.payments.topup.SandboxFundingGateway;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored, no money moved.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  @Inject Fixtures fixtures;

  @Test
  void aTopUpNamingAFieldTwiceIsMalformedAndCreditsNothing() {
    UUID user = UUID.randomUUID();
    String body =
        "{\"currency\":\"EUR\",\"amountMinor\":5,\"amountMinor\":500,\"instrument\":\""
            + SandboxFundingGateway.VISA + "\"}";

    given().auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body(body)
        .post("/v1/topups")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    assertEquals(0, fixtures.longValue("select count(*) from topups where user_id = $1", user));
    assertEquals(0, fixtures.balance(user, "EUR"));
  }

  @Test
  void openingAWalletNamingTheCurrencyTwiceIsMalformedAndOpensNothing() {
    UUID user = UUID.randomUUID();
    given().auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body("{\"currency\":\"EUR\",\"currency\":\"USD\"}")
        .post("/v1/wallets")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("MALFORMED_BODY"));
    assertEquals(0, fixtures.longValue("select count(*) from wallets where user_id = $1", user));
  }
}
