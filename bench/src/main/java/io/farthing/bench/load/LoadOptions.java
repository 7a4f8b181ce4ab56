package io.farthing.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every benchmark command shares: how hard, how long, where the report goes. */
public class LoadOptions {
  @Option(names = "--rate", defaultValue = "0",
      description = "Open loop: calls per second, sent on schedule whatever the answers do. 0 = closed loop (default).")
  public double rate;

  @Option(names = "--concurrency", defaultValue = "64",
      description = "Closed loop: concurrent callers. Open loop: the most calls in flight. Default: ${DEFAULT-VALUE}.")
  public int concurrency;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
      description = "Measured time (default: ${DEFAULT-VALUE}).")
  public Duration duration;

  @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
      description = "Time driven the same way before measuring, left out of the figures (default: ${DEFAULT-VALUE}).")
  public Duration warmup;

  @Option(names = "--deadline", defaultValue = "2s", converter = DurationConverter.class,
      description = "Per-call deadline; a call past it counts as an error (default: ${DEFAULT-VALUE}).")
  public Duration deadline;

  @Option(names = "--ramp", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Open loop: ramp the rate up from a tenth during the warm-up (default: on; --no-ramp: full rate at once).")
  public boolean ramp;

  @Option(names = "--max-lag", defaultValue = "10s", converter = DurationConverter.class,
      description = "Open loop: stop sending once this far behind schedule; the rest count as NOT_SENT (default: ${DEFAULT-VALUE}).")
  public Duration maxLag;

  @Option(names = "--slo-p99", converter = DurationConverter.class,
      description = "Judge the run against this p99 (e.g. 5ms): reported as met or not.")
  public Duration sloP99;

  @Option(names = "--out", description = "Write the JSON report here.")
  public Path out;

  public LoadPlan plan() {
    return new LoadPlan(rate, concurrency, warmup, duration, deadline.plusSeconds(1), ramp, maxLag);
  }
}
