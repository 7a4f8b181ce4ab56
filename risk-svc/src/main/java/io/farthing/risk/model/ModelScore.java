package io.farthing.risk.model;

import io.farthing.risk.score.Reason;
import java.util.List;

/**
 * The model's share of one decision.
 *
 * @param probability the fraud probability, 0–1 (a double: it is not money)
 * @param points {@code round(probability × risk.model.max-points)}, added to the rules' points
 * @param version {@code <model version>+<updates>}: exactly which parameters scored
 * @param reasons one {@link Reason#MODEL} reason with the three features that moved it most
 */
public record ModelScore(double probability, int points, String version, List<Reason> reasons) {
  public ModelScore {
    reasons = List.copyOf(reasons);
  }
}
