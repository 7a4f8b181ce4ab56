package io.farthing.payments.fee;

import io.farthing.common.ApiException;

/**
 * A merchant's fee in one currency: {@code fixed + amount × rate / 10 000}, then raised to the
 * minimum and lowered to the maximum, and never more than the amount itself.
 *
 * <p>The one rounding rule: the basis-point part is rounded half up to a whole minor unit
 * (0.5 → 1), computed in exact integer arithmetic. No floating point is involved anywhere.
 */
public record FeePlan(String currency, long fixedMinor, int rateBps, long minFeeMinor, Long maxFeeMinor) {
  public static final int BPS_PER_WHOLE = 10_000;

  public FeePlan {
    if (fixedMinor < 0 || minFeeMinor < 0) {
      throw ApiException.invalid("fixedMinor and minFeeMinor must not be negative", "INVALID_FEE_PLAN");
    }
    if (rateBps < 0 || rateBps > BPS_PER_WHOLE) {
      throw ApiException.invalid("rateBps must be between 0 and 10000", "INVALID_FEE_PLAN");
    }
    if (maxFeeMinor != null && maxFeeMinor < minFeeMinor) {
      throw ApiException.invalid("maxFeeMinor must not be below minFeeMinor", "INVALID_FEE_PLAN");
    }
  }

  /** The fee on a positive amount, in minor units. */
  public long feeFor(long amountMinor) {
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("fees are computed on positive amounts");
    }
    long variable = halfUp(Math.multiplyExact(amountMinor, (long) rateBps), BPS_PER_WHOLE);
    long fee = Math.addExact(fixedMinor, variable);
    fee = Math.max(fee, minFeeMinor);
    if (maxFeeMinor != null) {
      fee = Math.min(fee, maxFeeMinor);
    }
    return Math.min(fee, amountMinor);
  }

  /** Whether {@code feeMinor} takes more than {@code maxShareBps} of {@code amountMinor}. */
  public static boolean exceedsShare(long feeMinor, long amountMinor, int maxShareBps) {
    return Math.multiplyExact(feeMinor, (long) BPS_PER_WHOLE) > Math.multiplyExact(amountMinor, (long) maxShareBps);
  }

  static long halfUp(long numerator, long denominator) {
    return Math.floorDiv(Math.addExact(numerator, denominator / 2), denominator);
  }
}
