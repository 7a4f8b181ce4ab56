package io.farthing.auth.consent;

import io.farthing.common.ApiException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An allowance's ISO-8601 repeating interval, in the one form Farthing accepts:
 * {@code R[n]/<start>/<duration>}, e.g. {@code R/2026-12-01T00:00:00Z/P1M} (every month, for ever)
 * or {@code R12/2026-12-01T00:00:00Z/P1W} (twelve weeks). The start is a date-time with an offset;
 * the duration is either calendar units ({@code P1M}, {@code P1W}, {@code P1Y}, {@code P1D}: a
 * {@link Period}, counted in UTC) or exact time ({@code PT24H}, {@code PT1H30M}, {@code P1DT12H}:
 * a {@link Duration}); the two are not mixed in one value.
 *
 * <p>Period {@code k} runs from {@code start + k × duration} (computed from the start each time, so
 * month ends do not drift: Jan 31 → Feb 28 → Mar 31) to the start of period {@code k + 1},
 * start inclusive, end exclusive.
 */
public final class RepeatingInterval {
  public static final String INVALID_INTERVAL = "INVALID_INTERVAL";
  /** Longer than any sensible allowance string; refused before any parsing. */
  static final int MAX_LENGTH = 64;

  private static final Pattern FORM = Pattern.compile("^R(\\d{0,9})/([^/]+)/(P[^/]+)$");
  private static final long APPROX_DAY_SECONDS = 86_400L;
  /** Bounds on the start, so that period arithmetic can never overflow. */
  private static final Instant EARLIEST_START = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant LATEST_START = Instant.parse("2100-01-01T00:00:00Z");

  /** Where an instant falls: before the first period, inside period {@code index}, or after the last. */
  public enum Position {
    NOT_STARTED,
    CURRENT,
    ENDED
  }

  /** One period of the interval. */
  public record Window(long index, Instant start, Instant end) {}

  /** Where an instant is and, when it is CURRENT, in which period. */
  public record Placement(Position position, Window window) {}

  private final String text;
  private final Instant start;
  /** Null when unbounded ({@code R/…}). */
  private final Long repetitions;
  private final Period period;
  private final Duration duration;

  private RepeatingInterval(String text, Instant start, Long repetitions, Period period, Duration duration) {
    this.text = text;
    this.start = start;
    this.repetitions = repetitions;
    this.period = period;
    this.duration = duration;
  }

  /**
   * Parses and bounds {@code text}: each period at least {@code minInterval} long, at most
   * {@code maxRepetitions} repetitions when bounded. Anything else is INVALID_INTERVAL.
   */
  public static RepeatingInterval parse(String text, Duration minInterval, long maxRepetitions) {
    if (text == null || text.isBlank()) {
      throw ApiException.invalid("allowance.interval is required", "MISSING_FIELD");
    }
    if (text.length() > MAX_LENGTH) {
      throw invalid("allowance.interval is longer than " + MAX_LENGTH + " characters");
    }
    Matcher form = FORM.matcher(text);
    if (!form.matches()) {
      throw invalid("allowance.interval must be R[n]/<start date-time>/<duration>, e.g. R/2026-12-01T00:00:00Z/P1M");
    }
    Long repetitions = form.group(1).isEmpty() ? null : Long.parseLong(form.group(1));
    if (repetitions != null && (repetitions < 1 || repetitions > maxRepetitions)) {
      throw invalid("allowance.interval must repeat between 1 and " + maxRepetitions + " times");
    }
    Instant start = start(form.group(2));
    String length = form.group(3);
    RepeatingInterval parsed =
        length.contains("T")
            ? new RepeatingInterval(text, start, repetitions, null, exact(length))
            : new RepeatingInterval(text, start, repetitions, calendar(length), null);
    Duration first;
    try {
      first = Duration.between(parsed.startOf(0), parsed.startOf(1));
    } catch (DateTimeException | ArithmeticException e) {
      throw invalid("allowance.interval's duration is too long");
    }
    if (first.compareTo(minInterval) < 0) {
      throw invalid("allowance.interval's duration must be at least " + minInterval);
    }
    return parsed;
  }

  /** The text as it was given (stored and shown as is). */
  public String text() {
    return text;
  }

  /** Where {@code now} falls in the interval. */
  public Placement placement(Instant now) {
    if (now.isBefore(start)) {
      return new Placement(Position.NOT_STARTED, null);
    }
    long index = indexAt(now);
    if (repetitions != null && index >= repetitions) {
      return new Placement(Position.ENDED, null);
    }
    return new Placement(Position.CURRENT, new Window(index, startOf(index), startOf(index + 1)));
  }

  /** The index of the period holding {@code now} (not before the start). */
  private long indexAt(Instant now) {
    if (duration != null) {
      return Duration.between(start, now).dividedBy(duration);
    }
    // A calendar period has no fixed length: guess from its average length, then step to the
    // exact period (a few steps at most, since the guess is off by well under one period).
    long approxSeconds = Math.max(1, period.toTotalMonths() * 2_629_746L + period.getDays() * APPROX_DAY_SECONDS);
    long index = Math.max(0, Duration.between(start, now).getSeconds() / approxSeconds);
    while (index > 0 && startOf(index).isAfter(now)) {
      index--;
    }
    while (!startOf(index + 1).isAfter(now)) {
      index++;
    }
    return index;
  }

  private Instant startOf(long index) {
    if (duration != null) {
      return start.plus(duration.multipliedBy(index));
    }
    return start.atOffset(ZoneOffset.UTC).plus(period.multipliedBy(Math.toIntExact(index))).toInstant();
  }

  private static Instant start(String text) {
    Instant start;
    try {
      start = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid("allowance.interval's start must be a date-time with an offset, e.g. 2026-12-01T00:00:00Z");
    }
    if (start.isBefore(EARLIEST_START) || !start.isBefore(LATEST_START)) {
      throw invalid("allowance.interval's start must be in the years 2000 to 2099");
    }
    return start;
  }

  private static Duration exact(String text) {
    try {
      Duration parsed = Duration.parse(text);
      if (parsed.isNegative() || parsed.isZero()) {
        throw invalid("allowance.interval's duration must be positive");
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw invalid("allowance.interval's duration is not an ISO-8601 duration (calendar and clock units are not mixed)");
    }
  }

  private static Period calendar(String text) {
    try {
      Period parsed = Period.parse(text);
      if (parsed.isNegative() || parsed.isZero() || parsed.getYears() < 0 || parsed.getMonths() < 0 || parsed.getDays() < 0) {
        throw invalid("allowance.interval's duration must be positive");
      }
      return parsed.normalized();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw invalid("allowance.interval's duration is not an ISO-8601 duration");
    }
  }

  private static ApiException invalid(String message) {
    return ApiException.invalid(message, INVALID_INTERVAL);
  }

  /** Parses a stored interval without bounds (they were checked when it was granted). */
  static Optional<RepeatingInterval> stored(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(text, Duration.ZERO, Long.MAX_VALUE));
    } catch (ApiException | DateTimeException | ArithmeticException e) {
      throw new IllegalStateException("a stored allowance interval no longer parses: " + text, e);
    }
  }

  /** Two intervals are the same when their text is (the text defines every period). */
  @Override
  public boolean equals(Object other) {
    return other instanceof RepeatingInterval that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
