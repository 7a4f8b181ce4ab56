package io.farthing.payments.fee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
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

  @Test
  void refusesAnOverflowInsteadOfWrapping() {
    FeePlan plan = new FeePlan("EUR", 0, 10_000, 0, null);
    assertThrows(ArithmeticException.class, () -> plan.feeFor(Long.MAX_VALUE / 2));
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
