package io.farthing.risk.rule;

import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Verdict;
import java.util.List;
import java.util.UUID;

/**
 * A past decision as a dry-run replays it: the features it saw, how its score was made up, its
 * thresholds and the reasons that contributed (rule ids with their points and forced verdicts).
 */
public record StoredDecision(
    UUID id,
    Features features,
    int score,
    Verdict verdict,
    int rulePoints,
    int modelPoints,
    int challengeAt,
    int denyAt,
    List<Contribution> reasons) {

  /** One stored reason: a rule (or MODEL, DEGRADED, ...) with its points and forced verdict. */
  public record Contribution(String ruleId, int points, Verdict forcedVerdict) {}
}
