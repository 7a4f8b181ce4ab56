package io.farthing.auth.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.auth.consent.RepeatingInterval.Position;
import io.farthing.common.ApiException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepeatingIntervalTest {
  private static final Duration MIN = Duration.ofHours(1);

  private static RepeatingInterval parse(String text) {
    return RepeatingInterval.parse(text, MIN, 1000);
  }

  private static RepeatingInterval.Window window(String interval, String now) {
    RepeatingInterval.Placement placement = parse(interval).placement(Instant.parse(now));
    assertEquals(Position.CURRENT, placement.position(), interval + " at " + now);
    return placement.window();
  }

  private static void assertPeriod(String interval, String now, String start, String end) {
    RepeatingInterval.Window window = window(interval, now);
    assertEquals(Instant.parse(start), window.start(), "start of " + interval + " at " + now);
    assertEquals(Instant.parse(end), window.end(), "end of " + interval + " at " + now);
  }

  @Test
  void aMonthlyPeriodRunsFromItsStartInclusiveToTheNextStartExclusive() {
    String monthly = "R/2026-12-01T00:00:00Z/P1M";
    assertPeriod(monthly, "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z");
    assertPeriod(monthly, "2026-12-31T23:59:59.999999999Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z");
    assertPeriod(monthly, "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
    assertPeriod(monthly, "2099-07-19T12:00:00Z", "2099-07-01T00:00:00Z", "2099-08-01T00:00:00Z");
  }

  @Test
  void monthEndsDoNotDriftBecauseEveryPeriodIsCountedFromTheStart() {
    String fromJan31 = "R/2027-01-31T00:00:00Z/P1M";
    assertPeriod(fromJan31, "2027-03-15T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z");
    assertPeriod(fromJan31, "2027-03-31T00:00:00Z", "2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z");
    assertPeriod("R/2028-02-29T00:00:00Z/P1Y", "2032-03-01T00:00:00Z", "2032-02-29T00:00:00Z", "2033-02-28T00:00:00Z");
  }

  @Test
  void exactDurationsAndOffsetsAreCountedInExactTime() {
    assertPeriod("R/2026-12-01T00:00:00Z/PT24H", "2026-12-03T05:00:00Z", "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z");
    assertPeriod("R/2026-12-01T00:00:00Z/PT1H30M", "2026-12-01T03:10:00Z", "2026-12-01T03:00:00Z", "2026-12-01T04:30:00Z");
    assertPeriod("R/2026-12-01T00:00:00Z/P1DT12H", "2026-12-02T13:00:00Z", "2026-12-02T12:00:00Z", "2026-12-04T00:00:00Z");
    assertPeriod("R/2026-12-01T00:00:00+01:00/P1W", "2026-12-07T23:30:00Z", "2026-12-07T23:00:00Z", "2026-12-14T23:00:00Z");
    assertPeriod("R/2000-01-01T00:00:00Z/PT1H", "2099-12-31T23:59:00Z", "2099-12-31T23:00:00Z", "2100-01-01T00:00:00Z");
  }

  @Test
  void aBoundedIntervalEndsAfterItsLastRepetitionAndNothingBeforeTheStartIsInside() {
    RepeatingInterval twoWeeks = parse("R2/2026-12-01T00:00:00Z/P1W");
    assertEquals(1, twoWeeks.placement(Instant.parse("2026-12-14T23:59:59Z")).window().index());
    assertEquals(Position.ENDED, twoWeeks.placement(Instant.parse("2026-12-15T00:00:00Z")).position());
    RepeatingInterval.Placement early = twoWeeks.placement(Instant.parse("2026-11-30T23:59:59Z"));
    assertEquals(Position.NOT_STARTED, early.position());
    assertNull(early.window());
    assertEquals(Position.CURRENT, parse("R1000/2026-12-01T00:00:00Z/PT1H").placement(Instant.parse("2026-12-10T00:00:00Z")).position());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "P1M",
        "R/P1M/2026-12-01T00:00:00Z",
        "R/2026-12-01T00:00:00Z/2027-01-01T00:00:00Z",
        "R/2026-12-01/P1M",
        "R/2026-12-01T00:00:00/P1M",
        "R/2026-12-01T00:00:00Z/PT30M",
        "R/2026-12-01T00:00:00Z/PT59M59S",
        "R0/2026-12-01T00:00:00Z/P1M",
        "R1001/2026-12-01T00:00:00Z/P1M",
        "R-1/2026-12-01T00:00:00Z/P1M",
        "R/2026-12-01T00:00:00Z/P1MT1H",
        "R/2026-12-01T00:00:00Z/P0D",
        "R/2026-12-01T00:00:00Z/PT0S",
        "R/2026-12-01T00:00:00Z/P-1M",
        "R/2026-12-01T00:00:00Z/PT-1H",
        "R/2026-12-01T00:00:00Z/P1M-1D",
        "R/2026-12-01T00:00:00Z/P",
        "R/2026-12-01T00:00:00Z/P1.5M",
        "R/1999-12-31T23:59:59Z/P1M",
        "R/2100-01-01T00:00:00Z/P1M",
        "R/+999999999-12-01T00:00:00Z/P1M",
        "R/2026-12-01T00:00:00Z/P1M/P1M",
        "r/2026-12-01T00:00:00Z/P1M",
        "R/2026-12-01T00:00:00Z/P1000000000Y",
        "R/2026-12-01T00:00:00Z/P1M\n",
        "R/2026-12-01T00:00:00Z/PT1H                                                 "
      })
  void malformedOrOutOfBoundsIntervalsAreRefusedAsInvalidInterval(String text) {
    ApiException refused = assertThrows(ApiException.class, () -> parse(text));
    assertEquals(RepeatingInterval.INVALID_INTERVAL, refused.reason(), text);
    assertEquals(ApiException.Kind.INVALID, refused.kind(), text);
  }

  @Test
  void aMissingIntervalIsAMissingField() {
    assertEquals("MISSING_FIELD", assertThrows(ApiException.class, () -> parse("")).reason());
    assertEquals("MISSING_FIELD", assertThrows(ApiException.class, () -> parse(null)).reason());
  }

  @Test
  void theBoundsComeFromTheCaller() {
    assertEquals(
        RepeatingInterval.INVALID_INTERVAL,
        assertThrows(ApiException.class, () -> RepeatingInterval.parse("R/2026-12-01T00:00:00Z/P1D", Duration.ofDays(2), 10))
            .reason());
    assertEquals(
        RepeatingInterval.INVALID_INTERVAL,
        assertThrows(ApiException.class, () -> RepeatingInterval.parse("R11/2026-12-01T00:00:00Z/P1D", MIN, 10)).reason());
    assertEquals("R10/2026-12-01T00:00:00Z/P1D", RepeatingInterval.parse("R10/2026-12-01T00:00:00Z/P1D", MIN, 10).text());
  }
}
