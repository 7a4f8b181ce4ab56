package io.farthing.payments.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.limit.CapService.Change;
import io.farthing.payments.limit.CapService.Decision;
import io.farthing.payments.limit.LimitRepository.StoredCaps;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The cap rules on their own: stricter at once, looser after the cool-off, cancellation. */
class CapRulesTest {
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  static final Duration COOL_OFF = Duration.ofHours(24);

  static StoredCaps none() {
    return new StoredCaps(null, null, null, null, false, false, null, NOW);
  }

  static StoredCaps caps(Long daily, Long monthly) {
    return new StoredCaps(daily, monthly, null, null, false, false, null, NOW);
  }

  @Test
  void settingACapWhereNoneWasAppliesAtOnce() {
    Decision d = CapService.decide(none(), 500L, 2000L, COOL_OFF);
    assertEquals(Change.LOWERED, d.daily());
    assertEquals(Change.LOWERED, d.monthly());
    assertEquals(500L, d.next().dailyCapMinor());
    assertEquals(2000L, d.next().monthlyCapMinor());
    assertNull(d.next().pendingEffectiveAt());
    assertTrue(d.visible());
  }

  @Test
  void raisingWaitsForTheCoolOffAndKeepsTheCapInForce() {
    Decision d = CapService.decide(caps(100L, 1000L), 500L, 1000L, COOL_OFF);
    assertEquals(Change.RAISE_PENDING, d.daily());
    assertEquals(Change.UNCHANGED, d.monthly());
    assertEquals(100L, d.next().dailyCapMinor());
    assertEquals(500L, d.next().pendingDailyCapMinor());
    assertNull(d.next().pendingMonthlyCapMinor());
    assertEquals(NOW.plus(COOL_OFF), d.next().pendingEffectiveAt());
  }

  @Test
  void removingACapIsARaise() {
    Decision d = CapService.decide(caps(100L, null), null, null, COOL_OFF);
    assertEquals(Change.RAISE_PENDING, d.daily());
    assertEquals(100L, d.next().dailyCapMinor());
    assertNull(d.next().pendingDailyCapMinor());
    assertTrue(d.next().pendingDailyClear());
    assertFalse(d.next().pendingMonthlyClear());
  }

  @Test
  void loweringWhileARaiseIsPendingCancelsTheRaise() {
    StoredCaps pending = new StoredCaps(100L, null, 500L, null, false, false, NOW.plusSeconds(3600), NOW);
    Decision d = CapService.decide(pending, 50L, null, COOL_OFF);
    assertEquals(Change.LOWERED, d.daily());
    assertEquals(50L, d.next().dailyCapMinor());
    assertNull(d.next().pendingDailyCapMinor());
    assertNull(d.next().pendingEffectiveAt());
  }

  @Test
  void askingForTheCapInForceCancelsAPendingRaise() {
    StoredCaps pending = new StoredCaps(100L, null, null, null, true, false, NOW.plusSeconds(3600), NOW);
    Decision d = CapService.decide(pending, 100L, null, COOL_OFF);
    assertEquals(Change.RAISE_CANCELLED, d.daily());
    assertFalse(d.next().pendingDailyClear());
    assertNull(d.next().pendingEffectiveAt());
  }

  @Test
  void repeatingAPendingRaiseKeepsItsTimeAndIsNotAnEvent() {
    Instant due = NOW.plusSeconds(3600);
    StoredCaps pending = new StoredCaps(100L, null, 500L, null, false, false, due, NOW);
    Decision d = CapService.decide(pending, 500L, null, COOL_OFF);
    assertEquals(Change.RAISE_STILL_PENDING, d.daily());
    assertEquals(due, d.next().pendingEffectiveAt());
    assertEquals(pending, d.next());
    assertFalse(d.visible());
  }

  @Test
  void aNewRaiseRestartsTheWaitOfTheOtherCapsPendingRaise() {
    StoredCaps pending = new StoredCaps(100L, 1000L, 500L, null, false, false, NOW.plusSeconds(60), NOW);
    Decision d = CapService.decide(pending, 500L, 5000L, COOL_OFF);
    assertEquals(Change.RAISE_STILL_PENDING, d.daily());
    assertEquals(Change.RAISE_PENDING, d.monthly());
    assertEquals(NOW.plus(COOL_OFF), d.next().pendingEffectiveAt());
  }

  @Test
  void aDueRaiseIsMadeCurrentBeforeTheRequestIsJudged() {
    StoredCaps due = new StoredCaps(100L, null, 500L, null, false, false, NOW.minusSeconds(1), NOW);
    // 300 is now a lowering (500 is in force), so it applies at once.
    Decision d = CapService.decide(due, 300L, null, COOL_OFF);
    assertEquals(Change.LOWERED, d.daily());
    assertEquals(300L, d.next().dailyCapMinor());
    assertNull(d.next().pendingEffectiveAt());
  }
}
