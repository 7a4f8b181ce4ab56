package io.farthing.risk.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RuleEngine engine = new RuleEngine();

  /** A rule from JSON conditions, e.g. {@code [{"feature":"count_1m","op":"GT","value":5}]}. */
  static Rule rule(String id, int points, Verdict force, String conditionsJson) {
    try {
      List<RuleBody.ConditionBody> conditions = JSON.readValue(conditionsJson,
          JSON.getTypeFactory().constructCollectionType(List.class, RuleBody.ConditionBody.class));
      JsonNode pointsNode = JSON.getNodeFactory().numberNode(points);
      return RuleValidator.validate(id, new RuleBody(id, "rule " + id, conditions, pointsNode,
          force == null ? null : force.name(), true, 1), true, 1);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Rule number(String op, String value) {
    return rule("r-" + op.toLowerCase().replace('_', '-'), 10, null,
        "[{\"feature\":\"count_1m\",\"op\":\"" + op + "\",\"value\":" + value + "}]");
  }

  private static Rule label(String op, String value) {
    return rule("l-" + op.toLowerCase().replace('_', '-'), 10, null,
        "[{\"feature\":\"channel\",\"op\":\"" + op + "\",\"value\":" + value + "}]");
  }

  private static Features count1m(long value) {
    return Features.builder().number("count_1m", value).build();
  }

  private static Features channel(String value) {
    return Features.builder().label("channel", value).build();
  }

  @Test
  void numberComparisonsHoldExactlyAtTheirBoundaries() {
    assertTrue(number("GT", "5").matches(count1m(6)));
    assertFalse(number("GT", "5").matches(count1m(5)));
    assertTrue(number("GTE", "5").matches(count1m(5)));
    assertFalse(number("GTE", "5").matches(count1m(4)));
    assertTrue(number("LT", "5").matches(count1m(4)));
    assertFalse(number("LT", "5").matches(count1m(5)));
    assertTrue(number("LTE", "5").matches(count1m(5)));
    assertFalse(number("LTE", "5").matches(count1m(6)));
    assertTrue(number("EQ", "5").matches(count1m(5)));
    assertFalse(number("EQ", "5").matches(count1m(6)));
    assertTrue(number("NEQ", "5").matches(count1m(6)));
    assertFalse(number("NEQ", "5").matches(count1m(5)));
    assertTrue(number("LT", "0").matches(count1m(-1)));
  }

  @Test
  void numberListsMatchMembersOnly() {
    Rule in = number("IN", "[3, 1, 7]");
    assertTrue(in.matches(count1m(1)));
    assertTrue(in.matches(count1m(7)));
    assertFalse(in.matches(count1m(2)));
    Rule notIn = number("NOT_IN", "[3, 1, 7]");
    assertTrue(notIn.matches(count1m(2)));
    assertFalse(notIn.matches(count1m(3)));
  }

  @Test
  void labelOperatorsCompareExactText() {
    assertTrue(label("EQ", "\"P2P\"").matches(channel("P2P")));
    assertFalse(label("EQ", "\"P2P\"").matches(channel("p2p")));
    assertTrue(label("NEQ", "\"P2P\"").matches(channel("QR")));
    assertFalse(label("NEQ", "\"P2P\"").matches(channel("P2P")));
    assertTrue(label("IN", "[\"P2P\", \"TOP_UP\"]").matches(channel("TOP_UP")));
    assertFalse(label("IN", "[\"P2P\", \"TOP_UP\"]").matches(channel("QR")));
    assertTrue(label("NOT_IN", "[\"P2P\", \"TOP_UP\"]").matches(channel("QR")));
    assertFalse(label("NOT_IN", "[\"P2P\", \"TOP_UP\"]").matches(channel("P2P")));
  }

  @Test
  void aConditionOnAnAbsentFeatureIsFalseWhateverTheOperator() {
    Features none = Features.builder().number("amount_minor", 100).build();
    for (String op : List.of("GT", "GTE", "LT", "LTE", "EQ", "NEQ")) {
      assertFalse(number(op, "5").matches(none), op);
    }
    assertFalse(number("NOT_IN", "[5]").matches(none));
    assertFalse(label("NEQ", "\"P2P\"").matches(none));
    assertFalse(label("NOT_IN", "[\"P2P\"]").matches(none));
    assertSame(RuleEvaluation.NONE, engine.evaluate(List.of(number("NEQ", "5")), none));
  }

  @Test
  void allConditionsMustHold() {
    Rule both = rule("both", 100, null, "[{\"feature\":\"count_1m\",\"op\":\"GTE\",\"value\":10},"
        + "{\"feature\":\"amount_minor\",\"op\":\"LTE\",\"value\":100}]");
    assertTrue(both.matches(Features.builder().number("count_1m", 10).number("amount_minor", 100).build()));
    assertFalse(both.matches(Features.builder().number("count_1m", 10).number("amount_minor", 101).build()));
    assertFalse(both.matches(Features.builder().number("count_1m", 10).build()));
  }

  @Test
  void firedRulesAddTheirPointsAndGiveOneReasonEachWithTheFeaturesTheyRead() {
    Rule velocity = rule("velocity", 250, null, "[{\"feature\":\"count_1m\",\"op\":\"GT\",\"value\":5}]");
    Rule small = rule("small", -30, null, "[{\"feature\":\"amount_minor\",\"op\":\"LT\",\"value\":50},"
        + "{\"feature\":\"channel\",\"op\":\"EQ\",\"value\":\"QR\"},"
        + "{\"feature\":\"amount_minor\",\"op\":\"GT\",\"value\":0}]");
    Rule quiet = rule("quiet", 999, null, "[{\"feature\":\"count_24h\",\"op\":\"GT\",\"value\":1000}]");
    Features features = Features.builder().number("count_1m", 6).number("amount_minor", 40)
        .number("count_24h", 7).number("sum_24h", 9000).label("channel", "QR").build();

    RuleEvaluation result = engine.evaluate(List.of(small, velocity, quiet), features);

    assertEquals(220, result.points());
    assertNull(result.forced());
    assertEquals(2, result.reasons().size());
    Reason first = result.reasons().get(0);
    assertEquals("small", first.ruleId());
    assertEquals("rule small", first.description());
    assertEquals(-30, first.points());
    assertEquals(Map.of("amount_minor", "40", "channel", "QR"), first.features());
    assertNull(first.forcedVerdict());
    assertEquals(new Reason("velocity", "rule velocity", 250, Map.of("count_1m", "6"), null), result.reasons().get(1));
  }

  @Test
  void theStrongestForcedVerdictWinsWhateverTheOrder() {
    String always = "[{\"feature\":\"count_1m\",\"op\":\"GTE\",\"value\":0}]";
    Rule allow = rule("a-allow", 0, Verdict.ALLOW, always);
    Rule challenge = rule("b-challenge", 0, Verdict.CHALLENGE, always);
    Rule deny = rule("c-deny", 0, Verdict.DENY, always);
    Features f = count1m(1);

    assertEquals(Verdict.DENY, engine.evaluate(List.of(deny, allow, challenge), f).forced());
    assertEquals(Verdict.DENY, engine.evaluate(List.of(allow, challenge, deny), f).forced());
    assertEquals(Verdict.CHALLENGE, engine.evaluate(List.of(allow, challenge), f).forced());
    assertEquals(Verdict.ALLOW, engine.evaluate(List.of(allow), f).forced());
    assertEquals(Verdict.DENY, engine.evaluate(List.of(deny), f).reasons().get(0).forcedVerdict());
  }

  @Test
  void disabledRulesNeverFire() {
    Rule velocity = rule("velocity", 250, Verdict.DENY, "[{\"feature\":\"count_1m\",\"op\":\"GT\",\"value\":5}]");
    assertSame(RuleEvaluation.NONE, engine.evaluate(List.of(velocity.with(false, 2)), count1m(9)));
  }

  @Test
  void noRulesGiveNothing() {
    assertSame(RuleEvaluation.NONE, engine.evaluate(List.of(), count1m(1)));
  }
}
