package io.farthing.payments.fee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeePlanTest {
  @Test
  void roundsTheBasisPointPartHalfUp() {
    FeePlan plan = new FeePlan("EUR", 0, 250, 0, null);
    assertEquals(2, plan.feeFor(99)); // 2.475 → 2
    assertEquals(3, plan.feeFor(100)); // 2.5 → 3
    assertEquals(3, plan.feeFor(101)); // 2.525 → 3
    assertEquals(0, plan.feeFor(19)); // 0.475 → 0
    assertEquals(1, plan.feeFor(20)); // 0.5 → 1
  }

  @Test
  void addsTheFixedPartThenClampsToMinimumAndMaximum() {
    FeePlan plan = new FeePlan("EUR", 5, 100, 7, 20L);
    assertEquals(7, plan.feeFor(100)); // 5 + 1 = 6 → minimum 7
    assertEquals(15, plan.feeFor(1_000)); // 5 + 10
    assertEquals(20, plan.feeFor(100_000)); // 5 + 1000 → maximum 20
  }

  @Test
  void neverChargesMoreThanTheAmount() {
    assertEquals(3, new FeePlan("EUR", 10, 0, 0, null).feeFor(3));
  }

  /** The fee as the rule states it, in unbounded integers: the reference for every amount. */
  static long reference(FeePlan plan, long amountMinor) {
    BigInteger amount = BigInteger.valueOf(amountMinor);
    BigInteger variable =
        amount.multiply(BigInteger.valueOf(plan.rateBps())).add(BigInteger.valueOf(5_000)).divide(BigInteger.valueOf(10_000));
    BigInteger fee = BigInteger.valueOf(plan.fixedMinor()).add(variable).max(BigInteger.valueOf(plan.minFeeMinor()));
    if (plan.maxFeeMinor() != null) {
      fee = fee.min(BigInteger.valueOf(plan.maxFeeMinor()));
    }
    return fee.min(amount).longValueExact();
  }

  static final List<FeePlan> PLANS =
      List.of(
          new FeePlan("EUR", 0, 10_000, 0, null),
          new FeePlan("EUR", 0, 9_999, 0, null),
          new FeePlan("EUR", 2, 250, 0, null),
          new FeePlan("EUR", 0, 1, 0, null),
          new FeePlan("EUR", 5, 100, 7, 20L),
          new FeePlan("EUR", Long.MAX_VALUE, 10_000, 0, null),
          new FeePlan("EUR", Long.MAX_VALUE - 1, 5_000, Long.MAX_VALUE, Long.MAX_VALUE),
          new FeePlan("EUR", 0, 0, 0, null));

  static final long[] AMOUNTS = {
    1, 2, 19, 20, 99, 100, 101, 9_999, 10_000, 10_001, 123_456_789, 1L << 53, (1L << 53) + 1,
    Long.MAX_VALUE / 10_000, Long.MAX_VALUE / 10_000 + 1, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 1,
    Long.MAX_VALUE - 10_000, Long.MAX_VALUE - 5_001, Long.MAX_VALUE - 5_000, Long.MAX_VALUE - 2,
    Long.MAX_VALUE - 1, Long.MAX_VALUE
  };

  @Test
  void theFeeIsExactForEveryInt64AmountUpToLongMax() {
    for (FeePlan plan : PLANS) {
      for (long amount : AMOUNTS) {
        assertEquals(reference(plan, amount), plan.feeFor(amount), plan + " on " + amount);
      }
    }
  }

  @Test
  void theFeeIsExactOnRandomAmountsToo() {
    Random random = new Random(20261202);
    for (int i = 0; i < 20_000; i++) {
      FeePlan plan =
          new FeePlan("EUR", random.nextInt(3) == 0 ? random.nextLong(Long.MAX_VALUE) : random.nextInt(100),
              random.nextInt(10_001), 0, random.nextBoolean() ? null : random.nextLong(Long.MAX_VALUE));
      long amount = 1 + random.nextLong(Long.MAX_VALUE);
      assertEquals(reference(plan, amount), plan.feeFor(amount), plan + " on " + amount);
    }
  }

  @Test
  void aFullRateOnLongMaxIsTheWholeAmountAndHalfRateRoundsHalfUp() {
    assertEquals(Long.MAX_VALUE, new FeePlan("EUR", 0, 10_000, 0, null).feeFor(Long.MAX_VALUE));
    // (2^63 - 1) / 2 = 4611686018427387903.5 → rounded half up
    assertEquals(Long.MAX_VALUE / 2 + 1, new FeePlan("EUR", 0, 5_000, 0, null).feeFor(Long.MAX_VALUE));
    assertEquals((Long.MAX_VALUE - 1) / 2, new FeePlan("EUR", 0, 5_000, 0, null).feeFor(Long.MAX_VALUE - 1));
    assertEquals(Long.MAX_VALUE - 1, new FeePlan("EUR", Long.MAX_VALUE, 0, 0, null).feeFor(Long.MAX_VALUE - 1));
  }

  @Test
  void theShareGuardrailIsExactNearLongMax() {
    assertFalse(FeePlan.exceedsShare(Long.MAX_VALUE, Long.MAX_VALUE, 10_000));
    assertTrue(FeePlan.exceedsShare(Long.MAX_VALUE, Long.MAX_VALUE, 9_999));
    assertFalse(FeePlan.exceedsShare(Long.MAX_VALUE / 2, Long.MAX_VALUE, 5_000)); // just under half
    assertTrue(FeePlan.exceedsShare(Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE, 5_000)); // just over
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      long amount = 1 + random.nextLong(Long.MAX_VALUE);
      long fee = random.nextLong(amount);
      int share = random.nextInt(10_001);
      boolean expected =
          BigInteger.valueOf(fee).multiply(BigInteger.valueOf(10_000))
              .compareTo(BigInteger.valueOf(amount).multiply(BigInteger.valueOf(share))) > 0;
      assertEquals(expected, FeePlan.exceedsShare(fee, amount, share), fee + " of " + amount + " at " + share);
    }
  }

  @Test
  void rejectsImpossiblePlans() {
    assertThrows(ApiException.class, () -> new FeePlan("EUR", -1, 0, 0, null));
    assertThrows(ApiException.class, () -> new FeePlan("EUR", 0, 10_001, 0, null));
    assertThrows(ApiException.class, () -> new FeePlan("EUR", 0, 0, 10, 5L));
  }

  @Test
  void guardrailComparesTheFeeShareExactly() {
    assertFalse(FeePlan.exceedsShare(3, 10, 3000)); // exactly 30 %
    assertTrue(FeePlan.exceedsShare(4, 10, 3000));
  }

  @Test
  void refundsReturnTheFeeInProportionAndTheLastRefundReturnsTheRest() {
    // fee 5 on 100 captured, refunded 33 + 33 + 34
    long first = Fees.feeToReturn(5, 100, 0, 33, 0); // floor(5*33/100) = 1
    long second = Fees.feeToReturn(5, 100, 33, 33, first); // floor(5*66/100) = 3 → 2
    long third = Fees.feeToReturn(5, 100, 66, 34, first + second); // 5 → 2
    assertEquals(1, first);
    assertEquals(2, second);
    assertEquals(2, third);
    assertEquals(5, first + second + third);
  }
}
