package io.farthing.bench.load;

/**
 * When each request of an open-loop run is meant to be sent, whatever happened to the ones before
 * it: at a constant rate, optionally after a linear ramp from a fraction of it (so that a cold
 * service is warmed up rather than knocked over). Latency is measured from this intended time,
 * not from when the generator managed to send, so a stall (of the service, or of the generator
 * itself) counts against every request that should have gone out during it instead of silently
 * thinning the load ("coordinated omission").
 */
public final class OpenLoopSchedule {
  private final long startNanos;
  private final double rate;
  private final double rampSeconds;
  private final double rampFrom;
  private final double rampCalls;

  /** A constant rate from the start. */
  public OpenLoopSchedule(long startNanos, double ratePerSecond) {
    this(startNanos, ratePerSecond, 0, 1);
  }

  /**
   * @param rampNanos for this long the rate grows linearly from {@code rampFromFraction × rate}
   *     to {@code rate}; 0 = no ramp
   * @param rampFromFraction in (0, 1]
   */
  public OpenLoopSchedule(long startNanos, double ratePerSecond, long rampNanos, double rampFromFraction) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number, was " + ratePerSecond);
    }
    if (rampNanos < 0 || !(rampFromFraction > 0 && rampFromFraction <= 1)) {
      throw new IllegalArgumentException("ramp must be >= 0 and start at a fraction in (0, 1]");
    }
    this.startNanos = startNanos;
    this.rate = ratePerSecond;
    this.rampSeconds = rampNanos / 1e9;
    this.rampFrom = rampFromFraction * ratePerSecond;
    this.rampCalls = (rampFrom + rate) / 2 * rampSeconds;
  }

  /** The intended send time of request {@code index} (0-based), in {@link System#nanoTime()} terms. */
  public long intendedNanos(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    return startNanos + Math.round(secondsAt(index) * 1e9);
  }

  /** Seconds from the start: the inverse of calls(t) = r0·t + (r1 − r0)·t² / 2W on the ramp. */
  private double secondsAt(long index) {
    if (index >= rampCalls) {
      return rampSeconds + (index - rampCalls) / rate;
    }
    double slope = (rate - rampFrom) / rampSeconds;
    if (slope == 0) {
      return index / rate;
    }
    return (Math.sqrt(rampFrom * rampFrom + 2 * slope * index) - rampFrom) / slope;
  }

  /** How many requests are meant to be sent before {@code nanos} (the first index at or after it). */
  public long countBefore(long nanos) {
    if (nanos <= startNanos) {
      return 0;
    }
    // The rate never exceeds `rate`, so the answer is at most rate × elapsed + 1.
    long low = 0;
    long high = (long) Math.ceil((nanos - startNanos) / 1e9 * rate) + 2;
    while (low < high) {
      long mid = (low + high) >>> 1;
      if (intendedNanos(mid) < nanos) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  public long startNanos() {
    return startNanos;
  }
}
