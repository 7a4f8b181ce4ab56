package io.farthing.risk.model;

import io.farthing.risk.feature.FeatureNames;
import java.util.List;

/**
 * The numeric features the model reads and the fixed transform of each. Left out on purpose:
 * {@code degraded} (an operational state, not a trait of fraud: when it is 1 the Redis features
 * are absent and count as their training mean anyway), {@code hour_of_day} (cyclic and weak on its
 * own), {@code travel_km} (carried by {@code travel_kmh}), and the two {@code risk_budget_*}
 * features (derived from the rules' own verdicts, so the model would learn the rules back).
 */
public final class ModelFeatures {

  /** One feature of the model: its name in {@link FeatureNames} and its transform. */
  public record Spec(String name, Transform transform, double cap) {
    public Spec {
      if (!FeatureNames.isNumber(name)) {
        throw new IllegalArgumentException("not a numeric feature: " + name);
      }
      if (!(cap > 0)) {
        throw new IllegalArgumentException("cap must be positive: " + name);
      }
    }
  }

  /** Ten million minor units: far above any micropayment, so only garbage is clipped. */
  private static final double AMOUNT_CAP = 10_000_000;

  public static final List<Spec> DEFAULT =
      List.of(
          new Spec(FeatureNames.AMOUNT_MINOR, Transform.LOG1P, AMOUNT_CAP),
          new Spec(FeatureNames.DEVICE_KNOWN, Transform.FLAG, 1),
          new Spec(FeatureNames.CASH_EQUIVALENT, Transform.FLAG, 1),
          new Spec(FeatureNames.KYC_TIER, Transform.CAP, 3),
          new Spec(FeatureNames.COUNT_1M, Transform.LOG1P, 100),
          new Spec(FeatureNames.COUNT_1H, Transform.LOG1P, 1_000),
          new Spec(FeatureNames.COUNT_24H, Transform.LOG1P, 5_000),
          new Spec(FeatureNames.SUM_1M, Transform.LOG1P, AMOUNT_CAP),
          new Spec(FeatureNames.SUM_1H, Transform.LOG1P, AMOUNT_CAP),
          new Spec(FeatureNames.SUM_24H, Transform.LOG1P, AMOUNT_CAP),
          new Spec(FeatureNames.DEVICES_24H, Transform.CAP, 10),
          new Spec(FeatureNames.IPS_24H, Transform.CAP, 20),
          new Spec(FeatureNames.NEW_MERCHANT, Transform.FLAG, 1),
          new Spec(FeatureNames.HISTORY_COUNT, Transform.LOG1P, 10_000),
          new Spec(FeatureNames.AMOUNT_ZSCORE_X100, Transform.SIGNED_CAP, 1_000),
          new Spec(FeatureNames.TRAVEL_KMH, Transform.LOG1P, 20_000),
          new Spec(FeatureNames.CASH_EQUIV_SHARE_PCT, Transform.CAP, 100),
          new Spec(FeatureNames.MERCHANT_PAYMENTS_30D, Transform.LOG1P, 10_000_000),
          new Spec(FeatureNames.MERCHANT_REFUND_RATE_BP, Transform.CAP, 10_000),
          new Spec(FeatureNames.MERCHANT_DISPUTE_RATE_BP, Transform.CAP, 10_000),
          new Spec(FeatureNames.NEAR_LIMIT, Transform.FLAG, 1),
          new Spec(FeatureNames.NEAR_LIMIT_COUNT_7D, Transform.CAP, 20),
          new Spec(FeatureNames.NEAR_LIMIT_SUM_7D, Transform.LOG1P, 100_000_000),
          new Spec(FeatureNames.USER_FRAUD_REPORTS, Transform.CAP, 10));

  private ModelFeatures() {}
}
