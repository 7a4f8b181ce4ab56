package io.farthing.payments.fee;

import java.math.BigInteger;

/** Fee arithmetic beyond the plan: the share of a fee a refund gives back. */
public final class Fees {
  private Fees() {}

  /**
   * The fee to return with a refund: the fee is given back in proportion to the captured amount
   * refunded so far, rounded down, so partial refunds never return more than their share and the
   * last refund returns exactly what is left of the fee.
   */
  public static long feeToReturn(
      long feeMinor, long capturedMinor, long refundedBeforeMinor, long refundMinor, long feeReturnedBeforeMinor) {
    long refundedAfter = Math.addExact(refundedBeforeMinor, refundMinor);
    long dueAfter =
        BigInteger.valueOf(feeMinor)
            .multiply(BigInteger.valueOf(refundedAfter))
            .divide(BigInteger.valueOf(capturedMinor))
            .longValueExact();
    return Math.max(0, dueAfter - feeReturnedBeforeMinor);
  }
}
