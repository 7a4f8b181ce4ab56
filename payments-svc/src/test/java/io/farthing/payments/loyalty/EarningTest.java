package io.farthing.payments.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EarningTest {

  @Test
  void tinyChargesCarryTheirFractionsSoManyEarnWhatTheirSumWould() {
    int carry = 0;
    long points = 0;
    for (int i = 0; i < 100; i++) {
      Earning.Accrual a = Earning.accrue(carry, 1, 100); // one cent at 1 %
      points += a.points();
      carry = a.carryBps();
    }
    assertEquals(1, points);
    assertEquals(0, carry);
    assertEquals(new Earning.Accrual(1, 0), Earning.accrue(0, 100, 100));
  }

  @Test
  void aRefundRunsTheSameSumBackwards() {
    Earning.Accrual earned = Earning.accrue(0, 150, 250); // 3.75 points
    assertEquals(new Earning.Accrual(3, 7500), earned);
    Earning.Accrual back = Earning.accrue(earned.carryBps(), -150, 250);
    assertEquals(new Earning.Accrual(-3, 0), back);
    // A partial refund from a carry of zero rounds the points taken back up, never down.
    assertEquals(new Earning.Accrual(-1, 7500), Earning.accrue(0, -10, 250));
  }

  @Test
  void exactForEveryInt64Spend() {
    Earning.Accrual all = Earning.accrue(9999, Long.MAX_VALUE, 10_000);
    assertEquals(Long.MAX_VALUE, all.points());
    assertEquals(9999, all.carryBps());
    Earning.Accrual back = Earning.accrue(0, -Long.MAX_VALUE, 10_000);
    assertEquals(-Long.MAX_VALUE, back.points());
    // 9223372036854775807 · 1 / 10000 = 922337203685477.5807
    assertEquals(new Earning.Accrual(922_337_203_685_477L, 5807), Earning.accrue(0, Long.MAX_VALUE, 1));
  }

  @Test
  void refusesACarryOrRateOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> Earning.accrue(10_000, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> Earning.accrue(0, 1, 10_001));
    assertThrows(IllegalArgumentException.class, () -> Earning.accrue(-1, 1, 100));
  }

  @Test
  void earnedPointsPayOffWhatARefundCouldNotTakeBack() {
    // A refund of 19 points when 4 are left: 4 taken, 15 owed.
    assertEquals(new Earning.Applied(0, 4, 15), Earning.apply(-19, 4, 0));
    // 10 earned later: all go to what is owed.
    assertEquals(new Earning.Applied(0, 0, 5), Earning.apply(10, 0, 15));
    // 8 more: 5 pay off the rest, 3 are credited.
    assertEquals(new Earning.Applied(3, 0, 0), Earning.apply(8, 0, 5));
  }
}
