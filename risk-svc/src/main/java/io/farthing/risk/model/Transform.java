package io.farthing.risk.model;

/**
 * The fixed transform a raw feature value goes through before standardisation. Every transform
 * bounds its input by {@code cap}, so one absurd value (a bug upstream, an attacker's burst) moves
 * the logit by a bounded amount. {@link StrictMath} keeps results bit-identical on every JVM, which
 * is what lets a retrained baseline be compared with the shipped one exactly.
 */
public enum Transform {
  /** 0/1: anything above 0 is 1. */
  FLAG,
  /** The value clamped to [0, cap]: small counts and rates whose scale is already meaningful. */
  CAP,
  /** log1p of the value clamped to [0, cap]: amounts, sums and heavy-tailed counts. */
  LOG1P,
  /** The value clamped to [-cap, cap]: signed scores such as the amount z-score. */
  SIGNED_CAP;

  public double apply(double raw, double cap) {
    return switch (this) {
      case FLAG -> raw > 0 ? 1.0 : 0.0;
      case CAP -> clamp(raw, 0, cap);
      case LOG1P -> StrictMath.log1p(clamp(raw, 0, cap));
      case SIGNED_CAP -> clamp(raw, -cap, cap);
    };
  }

  private static double clamp(double value, double low, double high) {
    return Math.max(low, Math.min(high, value));
  }
}
