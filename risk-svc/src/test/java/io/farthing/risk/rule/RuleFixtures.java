package io.farthing.risk.rule;

import static io.restassured.RestAssured.given;

import io.farthing.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small builders for the rules admin API: unique rule ids, rule bodies, authenticated calls. */
final class RuleFixtures {
  static final String PROBLEM = "application/problem+json";
  static final String TYPE = "https://problems.farthing.io/";

  private RuleFixtures() {}

  static String uniqueRuleId() {
    return "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  static Map<String, Object> condition(String feature, String op, Object value) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("feature", feature);
    condition.put("op", op);
    condition.put("value", value);
    return condition;
  }

  /** A rule body: count_1h > 20 adds {@code points}. */
  static Map<String, Object> aRule(String id, int points) {
    return aRule(id, points, List.of(condition("count_1h", "GT", 20)));
  }

  static Map<String, Object> aRule(String id, int points, List<Map<String, Object>> conditions) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", id);
    rule.put("description", "Test rule " + id);
    rule.put("conditions", conditions);
    rule.put("points", points);
    return rule;
  }

  static RequestSpecification json() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON);
  }

  static RequestSpecification as(String token) {
    return json().header("Authorization", "Bearer " + token);
  }

  static String admin() {
    return TestTokens.admin();
  }

  static String support() {
    return TestTokens.user(UUID.randomUUID(), "user", "support");
  }

  static String user() {
    return TestTokens.user(UUID.randomUUID(), "user");
  }
}
