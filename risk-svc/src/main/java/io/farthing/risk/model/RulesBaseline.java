package io.farthing.risk.model;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;

/**
 * A rules-only yardstick for the model: six hand-written rules of the kind an operator would
 * start with, one per fraud shape, flagging a payment when any fires. It is not the rules
 * engine (whose rules are configured at runtime); it only answers "what does the model add over
 * plain rules" on the same held-out data. Its score is the number of rules that fired.
 */
public final class RulesBaseline {
  private RulesBaseline() {}

  public static int rulesFired(Features f) {
    int fired = 0;
    // Card testing: a burst of payments within a minute.
    fired += f.number(FeatureNames.COUNT_1M, 0) >= 5 ? 1 : 0;
    // Account takeover: an unknown device somewhere the user cannot have travelled to.
    fired += f.number(FeatureNames.DEVICE_KNOWN, 1) == 0 && f.number(FeatureNames.TRAVEL_KMH, 0) >= 1_000 ? 1 : 0;
    // Account takeover: far above the user's usual amount, at a merchant never paid before.
    fired += f.number(FeatureNames.AMOUNT_ZSCORE_X100, 0) >= 400 && f.number(FeatureNames.NEW_MERCHANT, 0) == 1 ? 1 : 0;
    // Cash-out: mostly cash-like goods today, from an unknown device.
    fired += f.number(FeatureNames.CASH_EQUIV_SHARE_PCT, 0) >= 80 && f.number(FeatureNames.DEVICE_KNOWN, 1) == 0 ? 1 : 0;
    // Structuring: three near-limit top-ups or transfers in a week (risk.aml.case-min-hits).
    fired += f.number(FeatureNames.NEAR_LIMIT_COUNT_7D, 0) >= 3 ? 1 : 0;
    // Collusive merchant: disputes above 1 % of payments.
    fired += f.number(FeatureNames.MERCHANT_DISPUTE_RATE_BP, 0) >= 100 ? 1 : 0;
    return fired;
  }
}
