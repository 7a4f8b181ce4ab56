package io.farthing.notify.webhook.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: after the n-th failed attempt (n from 1) the next one
 * waits a uniformly random time in [0, min(max, initial * 2^(n-1))]. Jitter spreads the retries
 * of many deliveries that failed together (an endpoint's outage) instead of stampeding it.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {

  public Backoff(Duration initial, Duration max) {
    this(initial, max, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  /** The upper bound of the wait after the {@code failedAttempts}-th failure. */
  public long ceilingMs(int failedAttempts) {
    int doublings = Math.max(0, Math.min(failedAttempts - 1, 40));
    double ceiling = initial.toMillis() * Math.pow(2, doublings);
    return (long) Math.min(ceiling, max.toMillis());
  }

  public long delayMs(int failedAttempts) {
    return (long) Math.floor(random.getAsDouble() * (ceilingMs(failedAttempts) + 1));
  }
}
