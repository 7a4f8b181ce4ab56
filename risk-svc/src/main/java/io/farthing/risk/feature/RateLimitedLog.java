package io.farthing.risk.feature;

import io.smallrye.mutiny.CompositeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A warning that is written at most once per interval, saying how many like it were held back:
 * at 2,000 scores a second a dead Redis must not become 2,000 log lines a second.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowedNanos;
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nextAllowedNanos = new AtomicLong(System.nanoTime());
  }

  void warn(String what, Throwable failure) {
    long now = System.nanoTime();
    long next = nextAllowedNanos.get();
    if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long heldBack = suppressed.getAndSet(0);
    log.warnf(
        "%s%s (%d more like it in the last %ds not logged)",
        what, describe(failure), heldBack, intervalNanos / 1_000_000_000L);
  }

  /** One line: the failure's type and the first line of its message (no stack trace). */
  static String describe(Throwable failure) {
    if (failure == null) {
      return "";
    }
    if (failure instanceof CompositeException composite && composite.getCause() != null) {
      failure = composite.getCause(); // "Multiple exceptions caught:" says nothing; the first does
    }
    String message = failure.getMessage();
    String firstLine = message == null ? "" : message.lines().findFirst().orElse("");
    return ": " + failure.getClass().getSimpleName() + (firstLine.isEmpty() ? "" : ": " + firstLine);
  }
}
