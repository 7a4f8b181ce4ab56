package io.farthing.risk.decision;

import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operators read a decision back with its reasons and a one-line explanation. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AdminDecisionResourceTest {

  @GrpcClient("risk")
  RiskGrpc.RiskBlockingStub plain;

  private ScoreResponse scored(UUID user) {
    return withToken(plain, TestTokens.client("fcl_payments-svc", "risk:score"))
        .score(aPayment(user).setDeviceKnown(false).build());
  }

  @Test
  void explainsAStoredDecisionToSupport() {
    UUID user = UUID.randomUUID();
    ScoreResponse answer = scored(user);

    given()
        .auth().oauth2(TestTokens.user(UUID.randomUUID(), "user", "support"))
        .get("/admin/v1/decisions/" + answer.getDecisionId())
        .then()
        .statusCode(200)
        .body("id", equalTo(answer.getDecisionId()))
        .body("score", equalTo(answer.getScore()))
        .body("request.userId", equalTo(user.toString()))
        .body("features.device_known", equalTo("0"))
        .body("reasons.ruleId", org.hamcrest.Matchers.hasItem("unknown-device"))
        .body("explanation", startsWith(answer.getVerdict().name().replace("VERDICT_", "") + " with score " + answer.getScore()))
        .body("explanation", containsString("unknown-device"));
  }

  @Test
  void listsAUsersLatestDecisionsNewestFirst() {
    UUID user = UUID.randomUUID();
    ScoreResponse first = scored(user);
    ScoreResponse second = scored(user);

    given()
        .auth().oauth2(TestTokens.admin())
        .queryParam("userId", user.toString())
        .get("/admin/v1/decisions")
        .then()
        .statusCode(200)
        .body("", hasSize(2))
        .body("[0].id", equalTo(second.getDecisionId()))
        .body("[1].id", equalTo(first.getDecisionId()));
  }

  @Test
  void anOperatorReportsAnOutcomeOnce() {
    ScoreResponse answer = scored(UUID.randomUUID());
    String admin = TestTokens.admin();
    given().auth().oauth2(admin).contentType("application/json").body("{\"outcome\":\"legitimate\"}")
        .post("/admin/v1/decisions/" + answer.getDecisionId() + "/outcomes")
        .then().statusCode(200).body("applied", equalTo(true));
    given().auth().oauth2(admin).contentType("application/json").body("{\"outcome\":\"LEGITIMATE\"}")
        .post("/admin/v1/decisions/" + answer.getDecisionId() + "/outcomes")
        .then().statusCode(200).body("applied", equalTo(false));
    given().auth().oauth2(admin).contentType("application/json").body("{\"outcome\":\"maybe\"}")
        .post("/admin/v1/decisions/" + answer.getDecisionId() + "/outcomes")
        .then().statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-outcome"));
  }

  @Test
  void refusesWithoutAnOperatorToken() {
    ScoreResponse answer = scored(UUID.randomUUID());
    given().get("/admin/v1/decisions/" + answer.getDecisionId())
        .then().statusCode(401).contentType("application/problem+json");
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user"))
        .get("/admin/v1/decisions/" + answer.getDecisionId())
        .then().statusCode(403).body("reason", equalTo("FORBIDDEN"));
  }

  @Test
  void unknownAndMalformedIdsAreProblems() {
    String admin = TestTokens.admin();
    given().auth().oauth2(admin).get("/admin/v1/decisions/" + UUID.randomUUID())
        .then().statusCode(404).body("type", equalTo("https://problems.farthing.io/decision-not-found"));
    given().auth().oauth2(admin).get("/admin/v1/decisions/not-an-id")
        .then().statusCode(400).body("reason", equalTo("INVALID_ID"));
  }
}
