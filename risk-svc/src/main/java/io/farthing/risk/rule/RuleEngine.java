package io.farthing.risk.rule;

import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.Verdict;
import io.farthing.risk.score.Verdicts;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies rules to one decision's features. Pure and stateless: it runs on every Score, so it
 * allocates only for the rules that fire (their reasons).
 */
@ApplicationScoped
public class RuleEngine {

  /**
   * The fired rules' points, their reasons (in the order of {@code rules}) and the strongest verdict
   * they force. Disabled rules are skipped.
   */
  public RuleEvaluation evaluate(List<Rule> rules, Features features) {
    int points = 0;
    Verdict forced = null;
    List<Reason> reasons = null;
    for (int i = 0, n = rules.size(); i < n; i++) {
      Rule rule = rules.get(i);
      if (!rule.enabled() || !rule.matches(features)) {
        continue;
      }
      points += rule.points();
      forced = Verdicts.strongerForce(forced, rule.forceVerdict());
      if (reasons == null) {
        reasons = new ArrayList<>(4);
      }
      reasons.add(reason(rule, features));
    }
    return reasons == null ? RuleEvaluation.NONE : new RuleEvaluation(points, List.copyOf(reasons), forced);
  }

  /** The reason a fired rule gives: its points, its forced verdict and every feature it read. */
  public static Reason reason(Rule rule, Features features) {
    String[] read = rule.readFeatures();
    Map<String, String> seen = new LinkedHashMap<>(read.length * 2);
    for (String name : read) {
      String text = features.text(name);
      if (text != null) {
        seen.put(name, text);
      }
    }
    return new Reason(rule.id(), rule.description(), rule.points(), seen, rule.forceVerdict());
  }
}
