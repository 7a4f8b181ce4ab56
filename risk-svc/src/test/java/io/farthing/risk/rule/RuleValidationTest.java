package io.farthing.risk.rule;

import static io.farthing.risk.rule.RuleFixtures.PROBLEM;
import static io.farthing.risk.rule.RuleFixtures.TYPE;
import static io.farthing.risk.rule.RuleFixtures.aRule;
import static io.farthing.risk.rule.RuleFixtures.admin;
import static io.farthing.risk.rule.RuleFixtures.as;
import static io.farthing.risk.rule.RuleFixtures.condition;
import static io.farthing.risk.rule.RuleFixtures.uniqueRuleId;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every refusal is a 400 with a stable type, and nothing is written. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class RuleValidationTest {

  private static void refused(String type, String detail, Consumer<Map<String, Object>> breakIt) {
    String id = uniqueRuleId();
    Map<String, Object> rule = aRule(id, 100);
    breakIt.accept(rule);
    as(admin()).body(rule).post("/admin/v1/rules").then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(TYPE + type))
        .body("detail", containsString(detail));
    assertEquals(0, Sql.count("select count(*) from rules where id = ?1", id));
    assertEquals(0, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
  }

  private static Consumer<Map<String, Object>> conditions(Map<String, Object>... conditions) {
    return rule -> rule.put("conditions", List.of(conditions));
  }

  @Test
  void anUnknownFeatureIsRefused() {
    refused("unknown-feature", "conditions[0].feature", conditions(condition("count_2m", "GT", 5)));
    refused("unknown-feature", "conditions[1].feature",
        conditions(condition("count_1m", "GT", 5), condition(null, "GT", 5)));
  }

  @Test
  void anOperatorTheFeatureKindDoesNotTakeIsRefused() {
    refused("invalid-operator", "GT does not apply to the label feature channel",
        conditions(condition("channel", "GT", "P2P")));
    refused("invalid-operator", "is not an operator", conditions(condition("count_1m", "BETWEEN", 5)));
    refused("invalid-operator", "is not an operator", conditions(condition("count_1m", "gt", 5)));
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() {
    refused("invalid-value", "must be an integer", conditions(condition("count_1m", "GT", "5")));
    refused("invalid-value", "must be an integer", conditions(condition("count_1m", "GT", 5.5)));
    refused("invalid-value", "must be an integer", conditions(condition("count_1m", "GT", null)));
    refused("invalid-value", "must be a string", conditions(condition("channel", "EQ", 1)));
    refused("invalid-value", "must be a list", conditions(condition("count_1m", "IN", 5)));
    refused("invalid-value", "must be a list", conditions(condition("count_1m", "IN", List.of())));
    refused("invalid-value", "must be an integer", conditions(condition("count_1m", "NOT_IN", List.of(1, "2"))));
    refused("invalid-value", "must be a string", conditions(condition("channel", "IN", List.of("P2P", 3))));
    List<Integer> tooMany = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooMany.add(i);
    }
    refused("invalid-value", "1 to 50", conditions(condition("count_1m", "IN", tooMany)));
  }

  @Test
  void noConditionsOrMoreThanTenAreRefused() {
    refused("invalid-rule", "1 to 10 conditions", rule -> rule.put("conditions", List.of()));
    refused("invalid-rule", "1 to 10 conditions", rule -> rule.remove("conditions"));
    refused("invalid-rule", "1 to 10 conditions",
        rule -> rule.put("conditions", Collections.nCopies(11, condition("count_1m", "GT", 1))));
  }

  @Test
  void aBadIdIsRefused() {
    for (String bad : List.of("A-rule", "-rule", "r", "rule_1", "rule 1", "x".repeat(65), "")) {
      as(admin()).body(aRule(bad, 1)).post("/admin/v1/rules").then()
          .statusCode(400).body("type", equalTo(TYPE + "invalid-rule")).body("detail", containsString("id must"));
      assertEquals(0, Sql.count("select count(*) from rules where id = ?1", bad));
    }
    as(admin()).get("/admin/v1/rules/Not_A_Rule").then().statusCode(400).body("type", equalTo(TYPE + "invalid-rule"));
  }

  @Test
  void badPointsDescriptionOrVerdictAreRefused() {
    refused("invalid-rule", "points", rule -> rule.put("points", 1001));
    refused("invalid-rule", "points", rule -> rule.put("points", -1001));
    refused("invalid-rule", "points", rule -> rule.put("points", 2.5));
    refused("invalid-rule", "points", rule -> rule.remove("points"));
    refused("invalid-rule", "description", rule -> rule.put("description", "  "));
    refused("invalid-rule", "description", rule -> rule.put("description", "d".repeat(501)));
    refused("invalid-rule", "forceVerdict", rule -> rule.put("forceVerdict", "BLOCK"));
  }

  @Test
  void anUpdateThatBreaksTheRuleChangesNothing() {
    String id = uniqueRuleId();
    as(admin()).body(aRule(id, 10)).post("/admin/v1/rules").then().statusCode(201);
    Map<String, Object> broken = aRule(id, 10, List.of(condition("channel", "LT", "P2P")));
    broken.put("version", 1);
    as(admin()).body(broken).put("/admin/v1/rules/" + id).then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-operator"));
    Map<String, Object> otherId = aRule("someone-else", 10);
    otherId.put("version", 1);
    as(admin()).body(otherId).put("/admin/v1/rules/" + id).then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-rule"));
    assertEquals(1, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
    assertEquals(1, ((Number) Sql.row("select version from rules where id = ?1", id)[0]).intValue());
  }

  @Test
  void unreadableJsonIsAMalformedBodyAndNothingIsWritten() {
    as(admin()).body("{\"id\": \"x-malformed\", \"conditions\": [").post("/admin/v1/rules").then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "malformed-body"));
    as(admin()).body("{\"id\": \"x-malformed\", \"conditions\": \"all\", \"points\": 1}").post("/admin/v1/rules")
        .then().statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "malformed-body"));
    assertEquals(0, Sql.count("select count(*) from rules where id = ?1", "x-malformed"));
  }
}
