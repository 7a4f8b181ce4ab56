package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {
  @Test
  void requestsAreSpacedEvenlyFromTheStart() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 2_000);
    assertEquals(1_000, s.intendedNanos(0));
    assertEquals(1_000 + 500_000, s.intendedNanos(1));
    assertEquals(1_000 + 1_000_000_000L, s.intendedNanos(2_000));
  }

  @Test
  void aFractionalPeriodDoesNotDriftOverALongRun() {
    // 3/s: a period of 333,333,333.3 ns; summing a rounded period would drift 1 ns a call.
    OpenLoopSchedule s = new OpenLoopSchedule(0, 3);
    assertEquals(3_600_000_000_000L, s.intendedNanos(3 * 3_600));
    assertEquals(333_333_333L, s.intendedNanos(1));
    assertEquals(666_666_667L, s.intendedNanos(2));
  }

  @Test
  void countBeforeIsTheNumberOfIntendedTimesStrictlyBefore() {
    OpenLoopSchedule s = new OpenLoopSchedule(0, 1_000);
    assertEquals(0, s.countBefore(0));
    assertEquals(1, s.countBefore(1));
    assertEquals(1, s.countBefore(1_000_000));
    assertEquals(2, s.countBefore(1_000_001));
    assertEquals(60_000, s.countBefore(60_000_000_000L));
    assertEquals(0, s.countBefore(-5));
  }

  @Test
  void countBeforeAgreesWithIntendedTimesForAwkwardRates() {
    for (double rate : new double[] {1, 3, 7, 333.3, 2_000, 12_345.6}) {
      OpenLoopSchedule s = new OpenLoopSchedule(17, rate);
      for (long end : new long[] {18, 1_000_017, 999_999_999, 5_000_000_017L, 60_000_000_000L}) {
        long n = s.countBefore(end);
        assertTrue(n == 0 || s.intendedNanos(n - 1) < end, "rate " + rate + " end " + end);
        assertTrue(s.intendedNanos(n) >= end, "rate " + rate + " end " + end);
      }
    }
  }

  @Test
  void aRampStartsSlowAndReachesTheRateAtItsEnd() {
    // 10/s to 100/s over 10 s: 550 calls on the ramp, then 100/s.
    OpenLoopSchedule s = new OpenLoopSchedule(0, 100, 10_000_000_000L, 0.1);
    // 10·t + 4.5·t² = 1 (the rate already rises during the first gap): t = 0.09586 s.
    assertEquals(95_865_000L, s.intendedNanos(1), 100_000, "first gap a little under 1/10 s");
    assertEquals(550, s.countBefore(10_000_000_000L), 1);
    assertEquals(10_000_000_000L + 10_000_000L, s.intendedNanos(551), 1_000_000);
    long lastGap = s.intendedNanos(549) - s.intendedNanos(548);
    assertEquals(10_000_000L, lastGap, 300_000, "gap near the end ~ 1/100 s");
    for (long i = 1; i < 2_000; i++) {
      assertTrue(s.intendedNanos(i) > s.intendedNanos(i - 1), "strictly increasing at " + i);
    }
    for (long end : new long[] {1, 99_999_999, 5_000_000_000L, 10_000_000_000L, 20_000_000_123L}) {
      long n = s.countBefore(end);
      assertTrue(n == 0 || s.intendedNanos(n - 1) < end);
      assertTrue(s.intendedNanos(n) >= end);
    }
  }

  @Test
  void refusesRatesThatAreNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, -1));
    assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, Double.NaN));
  }
}
