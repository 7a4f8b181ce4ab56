package io.farthing.risk.rule;

import io.farthing.risk.score.Reason;
import io.farthing.risk.score.Verdict;
import java.util.List;

/**
 * What the rules made of one decision's features.
 *
 * @param points the sum of the fired rules' points (not clamped; the score clamps)
 * @param reasons one per fired rule, in rule id order
 * @param forced the strongest verdict a fired rule forces, or null
 */
public record RuleEvaluation(int points, List<Reason> reasons, Verdict forced) {
  public static final RuleEvaluation NONE = new RuleEvaluation(0, List.of(), null);
}
