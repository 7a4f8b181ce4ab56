package io.farthing.risk.model.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.model.Baseline;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class AdminModelResourceTest {

  @Test
  void anAdminSeesTheActiveModelWithItsWeightsAndMetrics() {
    given().auth().oauth2(TestTokens.admin())
        .when().get("/admin/v1/model")
        .then().statusCode(200)
        .body("version", equalTo(Baseline.load().version()))
        .body("kind", equalTo("BASELINE"))
        .body("scoringVersion", startsWith(Baseline.load().version() + "+"))
        .body("updates", notNullValue())
        .body("weights." + FeatureNames.COUNT_1M, notNullValue())
        .body("features.name", hasItem(FeatureNames.MERCHANT_DISPUTE_RATE_BP))
        .body("metrics.heldOut.precision", greaterThan(0.5f))
        .body("metrics.generator.seed", equalTo((int) Baseline.SEED));
  }

  @Test
  void supportMayLookToo() {
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user", "support"))
        .when().get("/admin/v1/model")
        .then().statusCode(200);
  }

  @Test
  void withoutATokenTheAnswerIsAnUnauthenticatedProblem() {
    given().when().get("/admin/v1/model")
        .then().statusCode(401)
        .contentType("application/problem+json")
        .body("reason", equalTo("UNAUTHENTICATED"));
  }

  @Test
  void aPlainUserIsForbidden() {
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user"))
        .when().get("/admin/v1/model")
        .then().statusCode(403)
        .contentType("application/problem+json")
        .body("reason", equalTo("FORBIDDEN"));
  }

  @Test
  void aGarbageTokenIsUnauthenticated() {
    given().auth().oauth2("not-a-jwt")
        .when().get("/admin/v1/model")
        .then().statusCode(401)
        .contentType("application/problem+json");
  }
}
