package io.farthing.risk.score.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The REST mirror of Score answers exactly what gRPC answers, with problem+json refusals. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class InternalScoreResourceTest {
  private static final String SCORER = TestTokens.client("fcl_payments-svc", "risk:score");

  private static String body(String requestId, long amountMinor, String currency) {
    return """
        {"requestId":"%s","userId":"%s","merchantId":"mer-news","merchantCategory":"news",
         "amount":{"amountMinor":"%d","currency":"%s"},"channel":"CHANNEL_IN_APP",
         "deviceId":"dev-1","deviceKnown":true,"kycTier":1}
        """.formatted(requestId, UUID.randomUUID(), amountMinor, currency);
  }

  @Test
  void scoresAPaymentAndReplaysARetry() {
    String requestId = "rest-" + UUID.randomUUID();
    String body = body(requestId, 199, "EUR");
    String decisionId =
        given().auth().oauth2(SCORER).contentType("application/json").body(body)
            .post("/internal/v1/scores")
            .then().statusCode(200)
            .body("verdict", equalTo("VERDICT_ALLOW"))
            .body("decisionId", notNullValue())
            .extract().path("decisionId");
    given().auth().oauth2(SCORER).contentType("application/json").body(body)
        .post("/internal/v1/scores")
        .then().statusCode(200)
        .body("decisionId", equalTo(decisionId))
        .body("replayed", equalTo(true));
  }

  @Test
  void refusesBadInputWithProblemJsonAndStoresNothing() {
    String requestId = "rest-bad-" + UUID.randomUUID();
    given().auth().oauth2(SCORER).contentType("application/json").body(body(requestId, -1, "EUR"))
        .post("/internal/v1/scores")
        .then().statusCode(400).contentType("application/problem+json")
        .body("type", equalTo("https://problems.farthing.io/invalid-amount"));
    given().auth().oauth2(SCORER).contentType("application/json").body(body(requestId, 10, "ABC"))
        .post("/internal/v1/scores")
        .then().statusCode(400).body("reason", equalTo("INVALID_CURRENCY"));
    given().auth().oauth2(SCORER).contentType("application/json").body("{\"requestId\": 12, \"nope\": true}")
        .post("/internal/v1/scores")
        .then().statusCode(400).body("reason", equalTo("MALFORMED_BODY"));
    Assertions.assertEquals(0, Sql.count("select count(*) from decisions where request_id = ?1", requestId));
  }

  @Test
  void needsTheScoreScope() {
    String body = body("rest-" + UUID.randomUUID(), 100, "EUR");
    given().contentType("application/json").body(body).post("/internal/v1/scores").then().statusCode(401);
    given().auth().oauth2(TestTokens.client("fcl_partner", "payments:charge")).contentType("application/json")
        .body(body).post("/internal/v1/scores").then().statusCode(403);
  }
}
