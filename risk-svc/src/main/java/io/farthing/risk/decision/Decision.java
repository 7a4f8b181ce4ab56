package io.farthing.risk.decision;

import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Friction.Thresholds;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One decision as it was made and stored: the request, every feature value it saw, the points
 * from rules and model, the thresholds in force, the verdict and its reasons.
 */
public record Decision(
    UUID id,
    RiskContext context,
    int score,
    Verdict verdict,
    int rulePoints,
    int modelPoints,
    String modelVersion,
    boolean degraded,
    Thresholds thresholds,
    Features features,
    List<Reason> reasons,
    Instant decidedAt,
    List<Outcome> outcomes) {

  public Decision {
    if (score < 0 || score > 1000) {
      throw new IllegalStateException("score out of range: " + score);
    }
    reasons = List.copyOf(reasons);
    outcomes = List.copyOf(outcomes);
  }

  public Decision withOutcomes(List<Outcome> reported) {
    return new Decision(
        id, context, score, verdict, rulePoints, modelPoints, modelVersion, degraded, thresholds,
        features, reasons, decidedAt, reported);
  }
}
