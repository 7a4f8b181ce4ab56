package io.farthing.payments.fee;

import io.farthing.common.ApiException;

/**
 * A merchant's fee in one currency: {@code fixed + amount × rate / 10 000}, then raised to the
 * minimum and lowered to the maximum, and never more than the amount itself.
 *
 * <p>The one rounding rule: the basis-point part is rounded half up to a whole minor unit
 * (0.5 → 1), computed in exact integer arithmetic for every int64 amount. No floating point is
 * involved anywhere.
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

  /**
   * The fee on a positive amount, in minor units: exact for every int64 amount. The result is
   * never above the amount, so it always fits; intermediate values are kept in range by splitting
   * the amount (see {@link #basisPointsHalfUp}) and by saturating the fixed part's sum, which the
   * clamp to the amount then makes exact.
   */
  public long feeFor(long amountMinor) {
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("fees are computed on positive amounts");
    }
    long variable = basisPointsHalfUp(amountMinor, rateBps);
    long fee = saturatedAdd(fixedMinor, variable);
    fee = Math.max(fee, minFeeMinor);
    if (maxFeeMinor != null) {
      fee = Math.min(fee, maxFeeMinor);
    }
    return Math.min(fee, amountMinor);
  }

  /** Whether {@code feeMinor} takes more than {@code maxShareBps} of {@code amountMinor}, exactly. */
  public static boolean exceedsShare(long feeMinor, long amountMinor, int maxShareBps) {
    if (feeMinor < 0 || amountMinor < 0 || maxShareBps < 0) {
      throw new IllegalArgumentException("fee shares are compared on non-negative values");
    }
    // fee × 10 000 > amount × share, as 128-bit products (both non-negative, so the high words
    // order them first and the low words, unsigned, break a tie).
    long leftHigh = Math.multiplyHigh(feeMinor, BPS_PER_WHOLE);
    long rightHigh = Math.multiplyHigh(amountMinor, maxShareBps);
    if (leftHigh != rightHigh) {
      return leftHigh > rightHigh;
    }
    return Long.compareUnsigned(feeMinor * BPS_PER_WHOLE, amountMinor * maxShareBps) > 0;
  }

  /**
   * {@code amount × bps / 10 000} rounded half up, for {@code 0 <= bps <= 10 000}, without the
   * product (up to 2^63 × 10^4) ever being formed: with amount = q × 10 000 + r, it is
   * q × bps + halfUp(r × bps / 10 000), each term in range (q × bps ≤ amount; r × bps < 10^8).
   */
  static long basisPointsHalfUp(long amountMinor, int bps) {
    long whole = amountMinor / BPS_PER_WHOLE;
    long rest = amountMinor % BPS_PER_WHOLE;
    return whole * bps + halfUp(rest * bps, BPS_PER_WHOLE);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum; // both are non-negative here
  }

  static long halfUp(long numerator, long denominator) {
    return Math.floorDiv(Math.addExact(numerator, denominator / 2), denominator);
  }
}
