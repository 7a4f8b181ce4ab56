package io.farthing.risk.rule;

import io.farthing.risk.decision.Decision;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.Verdict;
import io.farthing.risk.score.Verdicts;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Replays a candidate rule over past decisions, pure and in memory. When the candidate's id is a
 * rule that contributed to a decision, that contribution (its points and forced verdict) is
 * taken out first, so an edited rule is compared with the rule as it then was; a disabled
 * candidate therefore shows what disabling the rule would change. For each decision:
 * new score = clampScore(rule points after the change + model points), new verdict =
 * {@link Verdicts#decide} with the decision's own thresholds and the strongest forced verdict
 * that remains. A decision the candidate neither fired on nor had contributed to keeps its
 * stored verdict untouched.
 */
public final class DryRun {
  public static final int MAX_SAMPLES = 20;

  /**
   * @param evaluated decisions replayed
   * @param fired decisions the candidate fires on
   * @param previouslyFired decisions a rule with the candidate's id contributed to
   * @param fireRatePercent fired / evaluated, percent, two decimals, as text (exact, no float)
   * @param changed decisions whose verdict would change
   * @param verdictChanges from (stored verdict) → to (verdict with the candidate) → count; every
   *     cell present, the diagonal counts the unchanged ones
   * @param sampleChangedDecisionIds up to 20 changed decisions, newest first
   */
  public record Result(
      String ruleId,
      int evaluated,
      int fired,
      int previouslyFired,
      String fireRatePercent,
      int changed,
      Map<Verdict, Map<Verdict, Integer>> verdictChanges,
      List<UUID> sampleChangedDecisionIds) {}

  private DryRun() {}

  /** @param decisions newest first */
  public static Result run(Rule candidate, List<Decision> decisions) {
    Map<Verdict, Map<Verdict, Integer>> matrix = new EnumMap<>(Verdict.class);
    for (Verdict from : Verdict.values()) {
      Map<Verdict, Integer> row = new EnumMap<>(Verdict.class);
      for (Verdict to : Verdict.values()) {
        row.put(to, 0);
      }
      matrix.put(from, row);
    }
    int fired = 0;
    int previouslyFired = 0;
    int changed = 0;
    List<UUID> samples = new ArrayList<>();
    for (Decision decision : decisions) {
      boolean fires = candidate.enabled() && candidate.matches(decision.features());
      int oldPoints = 0;
      boolean contributed = false;
      Verdict remainingForce = null;
      for (Reason reason : decision.reasons()) {
        if (candidate.id().equals(reason.ruleId())) {
          contributed = true;
          oldPoints += reason.points();
        } else {
          remainingForce = Verdicts.strongerForce(remainingForce, reason.forcedVerdict());
        }
      }
      Verdict to = decision.verdict();
      if (fires || contributed) {
        long rulePoints = (long) decision.rulePoints() - oldPoints + (fires ? candidate.points() : 0);
        int score = Verdicts.clampScore(rulePoints + decision.modelPoints());
        Verdict forced = fires ? Verdicts.strongerForce(remainingForce, candidate.forceVerdict()) : remainingForce;
        to = Verdicts.decide(score, decision.thresholds().challengeAt(), decision.thresholds().denyAt(), forced);
      }
      fired += fires ? 1 : 0;
      previouslyFired += contributed ? 1 : 0;
      matrix.get(decision.verdict()).merge(to, 1, Integer::sum);
      if (to != decision.verdict()) {
        changed++;
        if (samples.size() < MAX_SAMPLES) {
          samples.add(decision.id());
        }
      }
    }
    return new Result(candidate.id(), decisions.size(), fired, previouslyFired, percent(fired, decisions.size()),
        changed, unmodifiable(matrix), List.copyOf(samples));
  }

  /** {@code part / whole} as a percentage with two decimals, rounded half up, in integers. */
  static String percent(int part, int whole) {
    if (whole == 0) {
      return "0.00";
    }
    long hundredths = (part * 10_000L * 2 + whole) / (2L * whole);
    return (hundredths / 100) + "." + String.format("%02d", hundredths % 100);
  }

  private static Map<Verdict, Map<Verdict, Integer>> unmodifiable(Map<Verdict, Map<Verdict, Integer>> matrix) {
    Map<Verdict, Map<Verdict, Integer>> copy = new LinkedHashMap<>();
    matrix.forEach((from, row) -> copy.put(from, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(row))));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
