package io.farthing.risk.rule;

import static io.farthing.risk.rule.RuleFixtures.TYPE;
import static io.farthing.risk.rule.RuleFixtures.aRule;
import static io.farthing.risk.rule.RuleFixtures.admin;
import static io.farthing.risk.rule.RuleFixtures.as;
import static io.farthing.risk.rule.RuleFixtures.condition;
import static io.farthing.risk.rule.RuleFixtures.support;
import static io.farthing.risk.rule.RuleFixtures.uniqueRuleId;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Dry-runs over decision rows each test inserts. They are dated far in the future (later tests
 * later still), so with limit = the rows inserted, a test replays exactly its own decisions.
 */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class DryRunTest {
  private static final int CHALLENGE_AT = 400;
  private static final int DENY_AT = 800;

  /** A stored decision to insert; reasons are {ruleId, points, forcedVerdict}. */
  private record Row(UUID id, Map<String, String> features, int rulePoints, int modelPoints, String verdict,
      List<Map<String, Object>> reasons) {}

  private static Row row(Map<String, String> features, int rulePoints, int modelPoints, String verdict,
      List<Map<String, Object>> reasons) {
    return new Row(UUID.randomUUID(), features, rulePoints, modelPoints, verdict, reasons);
  }

  private static Map<String, Object> reason(String ruleId, int points, String forced) {
    Map<String, Object> reason = new LinkedHashMap<>();
    reason.put("ruleId", ruleId);
    reason.put("description", "stored reason");
    reason.put("points", points);
    reason.put("features", Map.of());
    reason.put("forcedVerdict", forced);
    return reason;
  }

  /** Inserts the rows, the first one newest. */
  private static void store(List<Row> rows) {
    Instant newest = Instant.now().plus(Duration.ofDays(36_500));
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      Map<String, String> features = new LinkedHashMap<>(row.features());
      int score = Math.max(0, Math.min(1000, row.rulePoints() + row.modelPoints()));
      UUID userId = UUID.randomUUID();
      String at = newest.minusMillis(i).toString();
      Sql.update("""
          insert into decisions (id, caller, request_id, user_id, merchant_id, channel, amount_minor, currency, score,
            verdict, rule_points, model_points, model_version, degraded, challenge_at, deny_at, request, features,
            reasons, decided_at)
          values (cast(?1 as uuid), 'test-partner', ?2, cast(?3 as uuid), 'm-1', 'IN_APP', 250, 'EUR', ?4, ?5, ?6, ?7,
            'baseline-1', false, ?8, ?9, cast(cast(?13 as text) as jsonb), cast(cast(?10 as text) as jsonb),
            cast(cast(?11 as text) as jsonb),
            cast(cast(?12 as text) as timestamptz))
          """,
          row.id(), row.id().toString(), userId, score, row.verdict(), row.rulePoints(), row.modelPoints(),
          CHALLENGE_AT, DENY_AT, json(features), json(row.reasons()), at, json(request(row, userId, at)));
    }
  }

  /** The request as scoring stores it (see DecisionJson): what a dry-run reads back with the row. */
  private static Map<String, Object> request(Row row, UUID userId, String at) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("caller", "test-partner");
    request.put("requestId", row.id().toString());
    request.put("userId", userId.toString());
    request.put("merchantId", "m-1");
    request.put("merchantCategory", "");
    request.put("amountMinor", 250);
    request.put("currency", "EUR");
    request.put("channel", "IN_APP");
    request.put("deviceKnown", true);
    request.put("kycTier", 1);
    request.put("securityLevel", "STANDARD");
    request.put("at", at);
    request.put("cashEquivalent", false);
    return request;
  }

  private static String json(Object value) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> count1h(int value) {
    return Map.of("count_1h", Integer.toString(value), "amount_minor", "250");
  }

  private static Map<String, Object> dryRun(Map<String, Object> rule, int limit) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("rule", rule);
    body.put("limit", limit);
    return body;
  }

  @Test
  void aNewRuleShowsHowManyDecisionsItFiresOnAndWhichVerdictsItChanges() {
    String id = uniqueRuleId();
    Row becomesChallenge = row(count1h(25), 0, 150, "ALLOW", List.of());
    Row staysAllowed = row(count1h(25), 0, 50, "ALLOW", List.of());
    Row doesNotFire = row(count1h(10), 0, 0, "ALLOW", List.of());
    Row degraded = row(Map.of("amount_minor", "250", "degraded", "1"), 0, 0, "CHALLENGE",
        List.of(reason("DEGRADED", 0, "CHALLENGE")));
    Row becomesDeny = row(count1h(30), 500, 100, "CHALLENGE", List.of(reason("x-other", 500, null)));
    store(List.of(becomesChallenge, staysAllowed, doesNotFire, degraded, becomesDeny));
    long rulesBefore = Sql.count("select count(*) from rules");
    long changesBefore = Sql.count("select count(*) from rule_changes");

    as(support()).body(dryRun(aRule(id, 300), 5)).post("/admin/v1/rules/dry-run").then()
        .statusCode(200)
        .body("ruleId", equalTo(id))
        .body("evaluated", equalTo(5))
        .body("fired", equalTo(3))
        .body("previouslyFired", equalTo(0))
        .body("fireRatePercent", equalTo("60.00"))
        .body("changed", equalTo(2))
        .body("verdictChanges.ALLOW.ALLOW", equalTo(2))
        .body("verdictChanges.ALLOW.CHALLENGE", equalTo(1))
        .body("verdictChanges.ALLOW.DENY", equalTo(0))
        .body("verdictChanges.CHALLENGE.CHALLENGE", equalTo(1))
        .body("verdictChanges.CHALLENGE.DENY", equalTo(1))
        .body("verdictChanges.DENY.DENY", equalTo(0))
        .body("sampleChangedDecisionIds",
            equalTo(List.of(becomesChallenge.id().toString(), becomesDeny.id().toString())));

    assertEquals(rulesBefore, Sql.count("select count(*) from rules"));
    assertEquals(changesBefore, Sql.count("select count(*) from rule_changes"));
    assertEquals(0, Sql.count("select count(*) from rules where id = ?1", id));
  }

  @Test
  void anEditedRuleReplacesItsOwnContributionToPastDecisions() {
    String id = uniqueRuleId();
    as(admin()).body(aRule(id, 300)).post("/admin/v1/rules").then().statusCode(201);
    Row nowAllowed = row(count1h(25), 300, 150, "CHALLENGE", List.of(reason(id, 300, null)));
    Row forcedBefore = row(count1h(5), 300, 0, "DENY", List.of(reason(id, 300, "DENY")));
    Row firesFresh = row(count1h(25), 0, 0, "ALLOW", List.of());
    Row otherForce = row(count1h(25), 300, 0, "DENY", List.of(reason(id, 300, null), reason("x-deny", 0, "DENY")));
    store(List.of(nowAllowed, forcedBefore, firesFresh, otherForce));

    Map<String, Object> edit = aRule(id, 100);
    as(admin()).body(dryRun(edit, 4)).post("/admin/v1/rules/dry-run").then()
        .statusCode(200)
        .body("evaluated", equalTo(4))
        .body("fired", equalTo(3))
        .body("previouslyFired", equalTo(3))
        .body("fireRatePercent", equalTo("75.00"))
        .body("changed", equalTo(2))
        .body("verdictChanges.CHALLENGE.ALLOW", equalTo(1))
        .body("verdictChanges.DENY.ALLOW", equalTo(1))
        .body("verdictChanges.ALLOW.ALLOW", equalTo(1))
        .body("verdictChanges.DENY.DENY", equalTo(1))
        .body("sampleChangedDecisionIds",
            equalTo(List.of(nowAllowed.id().toString(), forcedBefore.id().toString())));

    // The stored rule (300 points, no forced verdict) keeps the first decision's verdict and only
    // undoes the forced DENY its older version gave the second.
    as(support()).body(Map.of("limit", 4)).post("/admin/v1/rules/" + id + "/dry-run").then()
        .statusCode(200)
        .body("fired", equalTo(3))
        .body("changed", equalTo(1))
        .body("verdictChanges.DENY.ALLOW", equalTo(1))
        .body("verdictChanges.CHALLENGE.CHALLENGE", equalTo(1))
        .body("sampleChangedDecisionIds", equalTo(List.of(forcedBefore.id().toString())));

    as(admin()).get("/admin/v1/rules/" + id).then().body("points", equalTo(300)).body("version", equalTo(1));
  }

  @Test
  void aDisabledCandidateShowsWhatDisablingTheRuleWouldChange() {
    String id = uniqueRuleId();
    Row challenged = row(count1h(25), 450, 0, "CHALLENGE", List.of(reason(id, 450, null)));
    Row untouched = row(count1h(25), 0, 0, "ALLOW", List.of());
    store(List.of(challenged, untouched));
    Map<String, Object> off = aRule(id, 450);
    off.put("enabled", false);

    as(admin()).body(dryRun(off, 2)).post("/admin/v1/rules/dry-run").then()
        .statusCode(200)
        .body("fired", equalTo(0))
        .body("previouslyFired", equalTo(1))
        .body("changed", equalTo(1))
        .body("verdictChanges.CHALLENGE.ALLOW", equalTo(1))
        .body("verdictChanges.ALLOW.ALLOW", equalTo(1));
  }

  @Test
  void aForcedVerdictCandidateOverridesTheScore() {
    String id = uniqueRuleId();
    Row low = row(Map.of("channel", "P2P", "amount_minor", "90000"), 0, 10, "ALLOW", List.of());
    Row other = row(Map.of("channel", "QR", "amount_minor", "90000"), 0, 10, "ALLOW", List.of());
    store(List.of(low, other));
    Map<String, Object> rule = aRule(id, 0, List.of(condition("channel", "IN", List.of("P2P", "TOP_UP")),
        condition("amount_minor", "GTE", 50000)));
    rule.put("forceVerdict", "DENY");

    as(admin()).body(dryRun(rule, 2)).post("/admin/v1/rules/dry-run").then()
        .statusCode(200)
        .body("fired", equalTo(1))
        .body("fireRatePercent", equalTo("50.00"))
        .body("verdictChanges.ALLOW.DENY", equalTo(1))
        .body("sampleChangedDecisionIds", equalTo(List.of(low.id().toString())));
  }

  @Test
  void anInvalidCandidateOrLimitIsRefused() {
    Map<String, Object> bad = aRule(uniqueRuleId(), 10, List.of(condition("count_9m", "GT", 1)));
    as(admin()).body(dryRun(bad, 10)).post("/admin/v1/rules/dry-run").then()
        .statusCode(400).body("type", equalTo(TYPE + "unknown-feature"));
    as(admin()).body(dryRun(aRule(uniqueRuleId(), 10), 0)).post("/admin/v1/rules/dry-run").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-limit"));
    as(admin()).body(dryRun(aRule(uniqueRuleId(), 10), 10_001)).post("/admin/v1/rules/dry-run").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-limit"));
    as(admin()).body(Map.of()).post("/admin/v1/rules/dry-run").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-rule"));
  }

  @Test
  void theFireRateIsExactToTwoDecimals() {
    assertEquals("33.33", DryRun.percent(1, 3));
    assertEquals("66.67", DryRun.percent(2, 3));
    assertEquals("100.00", DryRun.percent(7, 7));
    assertEquals("0.00", DryRun.percent(0, 0));
    assertEquals("0.01", DryRun.percent(1, 10_000));
  }
}
