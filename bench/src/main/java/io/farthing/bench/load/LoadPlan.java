package io.farthing.bench.load;

import java.time.Duration;

/**
 * How a run drives its target.
 *
 * @param ratePerSecond open loop at this arrival rate; 0 = closed loop
 * @param concurrency closed loop: the number of callers, each sending its next call when the
 *     previous one is answered; open loop: the most calls in flight (past it, the schedule waits
 *     for a free slot, and the wait counts in the latency, which is measured from the schedule)
 * @param warmup sent the same way but left out of the figures (JIT, connection pools, caches)
 * @param drainTimeout how long to wait for the answers still outstanding at the end
 * @param ramp open loop: during the warm-up the rate grows linearly from a tenth of the target
 * @param maxLag open loop: once the schedule is this far behind (the service, or the generator,
 *     cannot keep up), the run stops sending and counts the calls it did not send as errors
 *     ({@code NOT_SENT}) instead of running on for minutes
 */
public record LoadPlan(
    double ratePerSecond,
    int concurrency,
    Duration warmup,
    Duration duration,
    Duration drainTimeout,
    boolean ramp,
    Duration maxLag) {

  /** Where a ramp starts, as a fraction of the target rate. */
  public static final double RAMP_FROM = 0.1;

  public LoadPlan(double ratePerSecond, int concurrency, Duration warmup, Duration duration, Duration drainTimeout) {
    this(ratePerSecond, concurrency, warmup, duration, drainTimeout, false, Duration.ofSeconds(10));
  }

  /** Bound on one run, so a typo cannot leave a load generator running for days. */
  public static final Duration MAX_DURATION = Duration.ofHours(2);

  public LoadPlan {
    if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be >= 0 (0 = closed loop), was " + ratePerSecond);
    }
    if (concurrency < 1 || concurrency > 100_000) {
      throw new IllegalArgumentException("concurrency must be 1..100000, was " + concurrency);
    }
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("duration must be > 0 and <= " + MAX_DURATION + ", was " + duration);
    }
    if (warmup.isNegative() || warmup.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("warmup must be >= 0 and <= " + MAX_DURATION + ", was " + warmup);
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drain timeout must be >= 0");
    }
    if (maxLag.isNegative() || maxLag.isZero()) {
      throw new IllegalArgumentException("max lag must be > 0, was " + maxLag);
    }
  }

  public boolean openLoop() {
    return ratePerSecond > 0;
  }

  public String mode() {
    return openLoop() ? "open" : "closed";
  }
}
