package io.farthing.payments.loyalty;

import java.math.BigInteger;

/**
 * The points arithmetic, exact for every int64 amount. Spend times the earn rate is counted in
 * 1/10000 of a point; whole points are credited and the rest carried to the next charge, so many
 * tiny charges earn exactly what one charge of their sum would (a hundred 1-cent charges at 1%
 * earn one point, not zero). A refund runs the same sum backwards at the rate its charge earned at.
 */
public final class Earning {
  static final int BPS_PER_POINT = 10_000;
  private static final BigInteger PER_POINT = BigInteger.valueOf(BPS_PER_POINT);

  private Earning() {}

  /** Whole points for a change of spend (negative for a refund) and the carry left over. */
  public record Accrual(long points, int carryBps) {}

  /**
   * {@code floor((carryBps + spendDeltaMinor * earnBps) / 10000)} and its remainder. The product
   * can pass the int64 range (spend near Long.MAX_VALUE at up to 10000 bps), so it is formed as a
   * BigInteger; the points themselves always fit, since they are at most the spend.
   */
  public static Accrual accrue(int carryBps, long spendDeltaMinor, int earnBps) {
    if (carryBps < 0 || carryBps >= BPS_PER_POINT || earnBps < 0 || earnBps > BPS_PER_POINT) {
      throw new IllegalArgumentException("carry in [0, 10000) and a rate in [0, 10000] bps");
    }
    BigInteger total =
        BigInteger.valueOf(spendDeltaMinor).multiply(BigInteger.valueOf(earnBps)).add(BigInteger.valueOf(carryBps));
    BigInteger[] qr = total.divideAndRemainder(PER_POINT);
    if (qr[1].signum() < 0) {
      // floor, not truncation: -0.25 points is -1 point and a carry of 0.75
      qr[0] = qr[0].subtract(BigInteger.ONE);
      qr[1] = qr[1].add(PER_POINT);
    }
    return new Accrual(qr[0].longValueExact(), qr[1].intValueExact());
  }

  /** What a change of points does to a balance: credited, clawed back, and still owed after. */
  public record Applied(long creditMinor, long clawbackMinor, long owedMinor) {}

  /**
   * Earned points first pay off what earlier refunds could not take back; a refund takes back what
   * the balance holds and leaves the rest owed (a balance never goes below zero).
   */
  public static Applied apply(long points, long balanceMinor, long owedMinor) {
    if (points >= 0) {
      long payOff = Math.min(points, owedMinor);
      return new Applied(points - payOff, 0, owedMinor - payOff);
    }
    long due = -points;
    long clawback = Math.min(due, balanceMinor);
    return new Applied(0, clawback, Math.addExact(owedMinor, due - clawback));
  }
}
