package io.farthing.risk.score;

import java.util.Map;

/**
 * Why a decision came out as it did: a rule that fired with the feature values it looked at, the
 * model's share ({@code MODEL}), or the degraded policy ({@code DEGRADED}).
 *
 * @param forcedVerdict null unless the rule forces a verdict whatever the score
 */
public record Reason(
    String ruleId, String description, int points, Map<String, String> features, Verdict forcedVerdict) {

  public static final String MODEL = "MODEL";
  public static final String DEGRADED = "DEGRADED";
  public static final String SECURITY_LEVEL = "SECURITY_LEVEL";

  public Reason {
    features = Map.copyOf(features);
  }
}
