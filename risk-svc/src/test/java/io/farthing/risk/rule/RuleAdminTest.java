package io.farthing.risk.rule;

import static io.farthing.risk.rule.RuleFixtures.PROBLEM;
import static io.farthing.risk.rule.RuleFixtures.TYPE;
import static io.farthing.risk.rule.RuleFixtures.aRule;
import static io.farthing.risk.rule.RuleFixtures.admin;
import static io.farthing.risk.rule.RuleFixtures.as;
import static io.farthing.risk.rule.RuleFixtures.condition;
import static io.farthing.risk.rule.RuleFixtures.json;
import static io.farthing.risk.rule.RuleFixtures.support;
import static io.farthing.risk.rule.RuleFixtures.uniqueRuleId;
import static io.farthing.risk.rule.RuleFixtures.user;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class RuleAdminTest {
  private static final List<String> DEFAULT_RULES = List.of("amount-anomaly", "aml-structuring", "card-testing",
      "cash-out", "device-burst", "impossible-travel", "ip-burst", "merchant-disputes", "merchant-refunds",
      "new-merchant-large", "reported-fraud", "risk-budget", "spend-24h", "unknown-device", "velocity-1h",
      "velocity-1m");

  @Inject RuleService rules;

  private static Rule active(RuleService rules, String id) {
    return rules.activeRules().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  @Test
  void theDefaultRuleSetIsLoadedAtStartUpWithItsHistory() {
    List<String> live = rules.activeRules().stream().map(Rule::id).toList();
    assertTrue(live.containsAll(DEFAULT_RULES), live.toString());

    Rule cardTesting = active(rules, "card-testing");
    assertEquals(io.farthing.risk.score.Verdict.DENY, cardTesting.forceVerdict());
    assertEquals(2, cardTesting.conditions().size());

    as(support()).get("/admin/v1/rules/velocity-1m").then()
        .statusCode(200)
        .body("updatedBy", equalTo("system"))
        .body("conditions[0].feature", equalTo("count_1m"))
        .body("conditions[0].op", equalTo("GT"))
        .body("conditions[0].value", equalTo(5))
        .body("points", equalTo(250));
    as(support()).get("/admin/v1/rules/aml-structuring/history").then()
        .statusCode(200)
        .body("items[-1].change", equalTo("CREATED"))
        .body("items[-1].changedBy", equalTo("system"))
        .body("items[-1].rule.forceVerdict", equalTo("CHALLENGE"));
    as(support()).get("/admin/v1/rules").then()
        .statusCode(200)
        .body("items.id", hasItems(DEFAULT_RULES.toArray()));
  }

  @Test
  void adminCreatesUpdatesDisablesAndEnablesARuleAndEachChangeIsInItsHistory() {
    UUID adminId = UUID.randomUUID();
    String token = TestTokens.user(adminId, "user", "admin");
    String id = uniqueRuleId();

    as(token).body(aRule(id, 120)).post("/admin/v1/rules").then()
        .statusCode(201)
        .header("Location", endsWith("/admin/v1/rules/" + id))
        .body("id", equalTo(id))
        .body("version", equalTo(1))
        .body("enabled", equalTo(true))
        .body("points", equalTo(120))
        .body("forceVerdict", nullValue())
        .body("updatedBy", equalTo(adminId.toString()))
        .body("createdAt", notNullValue());

    Map<String, Object> edit = aRule(id, 90, List.of(condition("channel", "IN", List.of("P2P", "TOP_UP")),
        condition("amount_minor", "GTE", 5000)));
    edit.put("forceVerdict", "CHALLENGE");
    edit.put("version", 1);
    as(token).body(edit).put("/admin/v1/rules/" + id).then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("points", equalTo(90))
        .body("forceVerdict", equalTo("CHALLENGE"))
        .body("conditions[0].value", equalTo(List.of("P2P", "TOP_UP")));

    as(token).post("/admin/v1/rules/" + id + "/disable").then().statusCode(200)
        .body("enabled", equalTo(false)).body("version", equalTo(3));
    as(token).post("/admin/v1/rules/" + id + "/disable").then().statusCode(200)
        .body("enabled", equalTo(false)).body("version", equalTo(3));
    as(token).post("/admin/v1/rules/" + id + "/enable").then().statusCode(200)
        .body("enabled", equalTo(true)).body("version", equalTo(4));

    Response history = as(support()).get("/admin/v1/rules/" + id + "/history");
    history.then().statusCode(200)
        .body("items.change", equalTo(List.of("ENABLED", "DISABLED", "UPDATED", "CREATED")))
        .body("items.version", equalTo(List.of(4, 3, 2, 1)))
        .body("items.changedBy", equalTo(List.of(adminId.toString(), adminId.toString(), adminId.toString(),
            adminId.toString())))
        .body("items[1].rule.enabled", equalTo(false))
        .body("items[2].rule.points", equalTo(90))
        .body("items[3].rule.points", equalTo(120))
        .body("items[3].rule.conditions[0].feature", equalTo("count_1h"));
    assertEquals(4, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
    Object[] stored = Sql.row("select version, enabled, updated_by, force_verdict from rules where id = ?1", id);
    assertEquals(4, ((Number) stored[0]).intValue());
    assertEquals(true, stored[1]);
    assertEquals(adminId.toString(), stored[2]);
    assertEquals("CHALLENGE", stored[3]);
  }

  @Test
  void historyPagesNewestFirst() {
    String token = admin();
    String id = uniqueRuleId();
    as(token).body(aRule(id, 10)).post("/admin/v1/rules").then().statusCode(201);
    as(token).post("/admin/v1/rules/" + id + "/disable").then().statusCode(200);
    as(token).post("/admin/v1/rules/" + id + "/enable").then().statusCode(200);

    Response first = as(token).queryParam("limit", 2).get("/admin/v1/rules/" + id + "/history");
    first.then().statusCode(200).body("items.version", equalTo(List.of(3, 2))).body("nextCursor", notNullValue());
    as(token).queryParam("limit", 2).queryParam("cursor", first.path("nextCursor").toString())
        .get("/admin/v1/rules/" + id + "/history").then()
        .statusCode(200).body("items.version", equalTo(List.of(1))).body("nextCursor", nullValue());
  }

  @Test
  void activeRulesReflectCreateUpdateAndDisableAtOnceOnThisReplica() {
    String token = admin();
    String id = uniqueRuleId();

    as(token).body(aRule(id, 70)).post("/admin/v1/rules").then().statusCode(201);
    Rule created = active(rules, id);
    assertEquals(1, created.version());
    assertEquals(70, created.points());

    Map<String, Object> edit = aRule(id, 75);
    edit.put("version", 1);
    as(token).body(edit).put("/admin/v1/rules/" + id).then().statusCode(200);
    assertEquals(75, active(rules, id).points());
    assertEquals(2, active(rules, id).version());

    as(token).post("/admin/v1/rules/" + id + "/disable").then().statusCode(200);
    assertEquals(null, active(rules, id));

    as(token).post("/admin/v1/rules/" + id + "/enable").then().statusCode(200);
    assertEquals(4, active(rules, id).version());
  }

  @Test
  void aChangeAnotherReplicaMadeIsPickedUpByTheNextReloadCheck() {
    String id = uniqueRuleId();
    as(admin()).body(aRule(id, 40)).post("/admin/v1/rules").then().statusCode(201);
    List<Rule> before = rules.activeRules();
    Sql.await(rules::reloadIfChanged);
    assertSame(before, rules.activeRules(), "nothing changed, so the snapshot is kept");

    // Another replica's change reaches this one only through the table.
    Sql.update("update rules set points = 45, version = version + 1, updated_at = now() where id = ?1", id);
    Sql.await(rules::reloadIfChanged);
    assertEquals(45, active(rules, id).points());
    assertEquals(2, active(rules, id).version());

    Sql.update("update rules set enabled = false, version = version + 1, updated_at = now() where id = ?1", id);
    Sql.await(rules::reloadIfChanged);
    assertNull(active(rules, id));
  }

  @Test
  void anUpdateCarryingAnOlderVersionIsAConflictAndChangesNothing() {
    String token = admin();
    String id = uniqueRuleId();
    as(token).body(aRule(id, 10)).post("/admin/v1/rules").then().statusCode(201);
    Map<String, Object> first = aRule(id, 20);
    first.put("version", 1);
    as(token).body(first).put("/admin/v1/rules/" + id).then().statusCode(200).body("version", equalTo(2));

    Map<String, Object> stale = aRule(id, 30);
    stale.put("version", 1);
    as(token).body(stale).put("/admin/v1/rules/" + id).then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo(TYPE + "rule-version-conflict"));

    as(token).get("/admin/v1/rules/" + id).then().body("points", equalTo(20)).body("version", equalTo(2));
    assertEquals(2, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
    assertEquals(20, active(rules, id).points());
  }

  @Test
  void anUpdateWithoutAVersionIsRefused() {
    String token = admin();
    String id = uniqueRuleId();
    as(token).body(aRule(id, 10)).post("/admin/v1/rules").then().statusCode(201);
    as(token).body(aRule(id, 30)).put("/admin/v1/rules/" + id).then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-rule"));
  }

  @Test
  void creatingARuleWithATakenIdIsAConflict() {
    String token = admin();
    String id = uniqueRuleId();
    as(token).body(aRule(id, 10)).post("/admin/v1/rules").then().statusCode(201);
    as(token).body(aRule(id, 99)).post("/admin/v1/rules").then()
        .statusCode(409).contentType(PROBLEM).body("type", equalTo(TYPE + "rule-id-taken"));
    as(token).body(aRule("velocity-1m", 1)).post("/admin/v1/rules").then()
        .statusCode(409).body("type", equalTo(TYPE + "rule-id-taken"));
    assertEquals(1, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
  }

  @Test
  void anUnknownRuleIsNotFoundEverywhere() {
    String token = admin();
    String id = uniqueRuleId();
    Map<String, Object> edit = aRule(id, 10);
    edit.put("version", 1);
    for (Response response : List.of(
        as(token).get("/admin/v1/rules/" + id),
        as(token).body(edit).put("/admin/v1/rules/" + id),
        as(token).post("/admin/v1/rules/" + id + "/disable"),
        as(token).post("/admin/v1/rules/" + id + "/enable"),
        as(token).get("/admin/v1/rules/" + id + "/history"),
        as(token).post("/admin/v1/rules/" + id + "/dry-run"))) {
      response.then().statusCode(404).contentType(PROBLEM).body("type", equalTo(TYPE + "rule-not-found"));
    }
    assertEquals(0, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
  }

  @Test
  void callersWithoutATokenAreUnauthenticated() {
    json().get("/admin/v1/rules").then().statusCode(401).contentType(PROBLEM);
    json().get("/admin/v1/features").then().statusCode(401);
    json().body(aRule(uniqueRuleId(), 1)).post("/admin/v1/rules").then().statusCode(401);
    json().post("/admin/v1/rules/velocity-1m/disable").then().statusCode(401);
  }

  @Test
  void aUserTokenMayNeitherReadNorChangeRules() {
    String token = user();
    String id = uniqueRuleId();
    as(token).get("/admin/v1/rules").then().statusCode(403).contentType(PROBLEM);
    as(token).get("/admin/v1/rules/velocity-1m").then().statusCode(403);
    as(token).get("/admin/v1/features").then().statusCode(403);
    as(token).body(aRule(id, 1)).post("/admin/v1/rules").then().statusCode(403);
    as(token).post("/admin/v1/rules/velocity-1m/disable").then().statusCode(403);
    as(token).body(Map.of("rule", aRule(id, 1))).post("/admin/v1/rules/dry-run").then().statusCode(403);
    assertEquals(0, Sql.count("select count(*) from rules where id = ?1", id));
  }

  @Test
  void supportMayReadButNotChangeRules() {
    String token = support();
    String id = uniqueRuleId();
    as(token).get("/admin/v1/rules").then().statusCode(200);
    as(token).get("/admin/v1/features").then().statusCode(200);
    as(token).body(aRule(id, 1)).post("/admin/v1/rules").then().statusCode(403).contentType(PROBLEM);
    Map<String, Object> edit = aRule("velocity-1m", 1);
    edit.put("version", 1);
    as(token).body(edit).put("/admin/v1/rules/velocity-1m").then().statusCode(403);
    as(token).post("/admin/v1/rules/velocity-1m/disable").then().statusCode(403);
    as(token).post("/admin/v1/rules/velocity-1m/enable").then().statusCode(403);
    assertEquals(0, Sql.count("select count(*) from rules where id = ?1", id));
    assertTrue(active(rules, "velocity-1m") != null);
  }

  @Test
  void theFeatureVocabularyListsKindsAndOperators() {
    as(support()).get("/admin/v1/features").then()
        .statusCode(200)
        .body("items.name", hasItems("count_1m", "channel", "near_limit_count_7d"))
        .body("items.find { it.name == 'count_1m' }.kind", equalTo("NUMBER"))
        .body("items.find { it.name == 'count_1m' }.operators", hasItem("GTE"))
        .body("items.find { it.name == 'channel' }.kind", equalTo("LABEL"))
        .body("items.find { it.name == 'channel' }.operators",
            equalTo(List.of("EQ", "NEQ", "IN", "NOT_IN")));
  }
}
