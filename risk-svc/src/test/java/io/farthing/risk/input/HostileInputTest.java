package io.farthing.risk.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.common.rest.Problem;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  static RequestSpecification asAdmin() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON)
        .header("Authorization", "Bearer " + TestTokens.admin());
  }

  static String uniqueRuleId() {
    return "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Test
  void aRuleNamingItsPointsTwiceIsMalformedAndNotStored() {
    String id = uniqueRuleId();
    String body =
        "{\"id\":\"" + id + "\",\"description\":\"dup\",\"points\":5,"
            + "\"conditions\":[{\"feature\":\"count_1h\",\"op\":\"GT\",\"value\":20,\"op\":\"LT\"}],\"points\":900}";

    asAdmin().body(body).post("/admin/v1/rules")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    assertEquals(0, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
    asAdmin().get("/admin/v1/rules/" + id).then().statusCode(404);
  }
}
