package io.farthing.notify.preference;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A daily quiet period in the user's local time, [start, end); it may run past midnight
 * (22:00–07:00). During it email and SMS wait until it ends; the inbox and live stream do not.
 * Local times are resolved in {@code zone} each day, so a daylight-saving change moves the
 * instant, not the wall-clock time.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {
  public QuietHours {
    Objects.requireNonNull(start);
    Objects.requireNonNull(end);
    Objects.requireNonNull(zone);
    if (start.equals(end)) {
      throw new IllegalArgumentException("quiet hours need a start different from their end");
    }
  }

  /** When the quiet period containing {@code now} ends, or empty when {@code now} is not quiet. */
  public Optional<Instant> heldUntil(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    LocalTime time = local.toLocalTime();
    LocalDate today = local.toLocalDate();
    boolean wraps = start.isAfter(end);
    if (!wraps) {
      if (!time.isBefore(start) && time.isBefore(end)) {
        return Optional.of(at(today, end));
      }
      return Optional.empty();
    }
    if (!time.isBefore(start)) {
      return Optional.of(at(today.plusDays(1), end));
    }
    if (time.isBefore(end)) {
      return Optional.of(at(today, end));
    }
    return Optional.empty();
  }

  private Instant at(LocalDate day, LocalTime time) {
    return ZonedDateTime.of(day, time, zone).toInstant();
  }
}
