package io.farthing.bench.load;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} at
 * {@code start + i / rate}, whatever happened to the ones before it. Latency is measured from
 * this intended time, not from when the generator managed to send, so a stall (of the service,
 * or of the generator itself) counts against every request that should have gone out during it
 * instead of silently thinning the load ("coordinated omission").
 */
public final class OpenLoopSchedule {
  private final long startNanos;
  private final double periodNanos;

  /** @param ratePerSecond requests per second, strictly positive */
  public OpenLoopSchedule(long startNanos, double ratePerSecond) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number, was " + ratePerSecond);
    }
    this.startNanos = startNanos;
    this.periodNanos = 1e9 / ratePerSecond;
  }

  /** The intended send time of request {@code index} (0-based), in {@link System#nanoTime()} terms. */
  public long intendedNanos(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    return startNanos + Math.round(index * periodNanos);
  }

  /** How many requests are meant to be sent before {@code nanos} (the first index at or after it). */
  public long countBefore(long nanos) {
    if (nanos <= startNanos) {
      return 0;
    }
    long guess = (long) Math.ceil((nanos - startNanos) / periodNanos);
    // Rounding in intendedNanos can put the boundary one either side of the division's answer.
    while (guess > 0 && intendedNanos(guess - 1) >= nanos) {
      guess--;
    }
    while (intendedNanos(guess) < nanos) {
      guess++;
    }
    return guess;
  }

  public long startNanos() {
    return startNanos;
  }

  public double periodNanos() {
    return periodNanos;
  }
}
