package io.farthing.notify.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuietHoursTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private final QuietHours night = new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), BERLIN);

  @Test
  void aPeriodPastMidnightHoldsUntilTheNextMorningInTheUsersZone() {
    // 23:30 in Berlin (CET, UTC+1) on 1 Dec → 07:00 on 2 Dec Berlin = 06:00 UTC.
    assertEquals(Optional.of(Instant.parse("2026-12-02T06:00:00Z")), night.heldUntil(Instant.parse("2026-12-01T22:30:00Z")));
    // 03:00 Berlin → 07:00 the same morning.
    assertEquals(Optional.of(Instant.parse("2026-12-02T06:00:00Z")), night.heldUntil(Instant.parse("2026-12-02T02:00:00Z")));
  }

  @Test
  void outsideThePeriodNothingIsHeldAndTheEndItselfIsNotQuiet() {
    assertTrue(night.heldUntil(Instant.parse("2026-12-02T12:00:00Z")).isEmpty());
    assertTrue(night.heldUntil(Instant.parse("2026-12-02T06:00:00Z")).isEmpty(), "07:00 sharp is the end");
    assertTrue(night.heldUntil(Instant.parse("2026-12-01T21:00:00Z")).isPresent(), "22:00 sharp is quiet");
  }

  @Test
  void aDaytimePeriodHoldsUntilItsEndTheSameDay() {
    QuietHours lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 30), ZoneId.of("UTC"));
    assertEquals(Optional.of(Instant.parse("2026-12-02T13:30:00Z")), lunch.heldUntil(Instant.parse("2026-12-02T12:10:00Z")));
    assertTrue(lunch.heldUntil(Instant.parse("2026-12-02T11:59:59Z")).isEmpty());
  }

  @Test
  void daylightSavingMovesTheInstantNotTheLocalEnd() {
    // Night of 28/29 March 2026: Berlin moves from UTC+1 to UTC+2; 07:00 local is 05:00 UTC.
    assertEquals(Optional.of(Instant.parse("2026-03-29T05:00:00Z")), night.heldUntil(Instant.parse("2026-03-28T23:00:00Z")));
  }
}
