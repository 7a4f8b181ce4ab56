package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against fake targets: counts, error accounting, and coordinated omission. */
class LoadRunnerTest {
  private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    answers.shutdownNow();
  }

  /** Answers every call after {@code delayMicros}, and fails every {@code failEvery}-th one. */
  private Target delayed(long delayMicros, int failEvery) {
    return (seq, done) -> answers.schedule(
        () -> {
          if (failEvery > 0 && seq % failEvery == 0) {
            done.failed("UNAVAILABLE");
          } else {
            done.succeeded(seq % 2 == 0 ? "ALLOW" : "CHALLENGE", "degraded");
          }
        },
        delayMicros,
        TimeUnit.MICROSECONDS);
  }

  @Test
  void openLoopSendsExactlyRateTimesDurationAndCountsErrorsApart() throws Exception {
    LoadPlan plan = new LoadPlan(500, 64, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(2));
    LoadRunner.Outcome run = new LoadRunner(plan, delayed(1_000, 10)).run();

    Results m = run.measured();
    assertEquals(500, m.ok() + m.failed(), "calls intended in the measured second");
    assertEquals(50, m.failed());
    assertEquals(Map.of("UNAVAILABLE", 50L), m.errors());
    assertEquals(450, m.latency().getTotalCount(), "only answers have a latency");
    assertEquals(450L, m.flags().get("degraded"));
    assertEquals(100, run.warmup().ok() + run.warmup().failed(), "0.2 s of warm-up at 500/s");
    assertTrue(run.drained());
    long p50 = m.latency().getValueAtPercentile(50);
    assertTrue(p50 >= 1_000 && p50 < 500_000, "p50 " + p50 + " µs for a 1 ms service");
  }

  @Test
  void aRampedWarmupSendsFewerCallsButTheMeasurementTheSame() throws Exception {
    LoadPlan plan = new LoadPlan(
        500, 64, Duration.ofMillis(400), Duration.ofSeconds(1), Duration.ofSeconds(2), true, Duration.ofSeconds(10));
    LoadRunner.Outcome run = new LoadRunner(plan, delayed(500, 0)).run();
    // (50/s + 500/s) / 2 × 0.4 s = 110 calls on the ramp instead of 200.
    assertEquals(110, run.warmup().ok(), 1);
    assertEquals(500, run.measured().ok());
  }

  @Test
  void closedLoopKeepsConcurrencyCallsInFlight() throws Exception {
    AtomicLong inFlight = new AtomicLong();
    AtomicLong most = new AtomicLong();
    Target target = (seq, done) -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      answers.schedule(() -> {
        inFlight.decrementAndGet();
        done.succeeded("ALLOW");
      }, 2, TimeUnit.MILLISECONDS);
    };
    LoadPlan plan = new LoadPlan(0, 4, Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(2));
    LoadRunner.Outcome run = new LoadRunner(plan, target).run();

    assertEquals(4, most.get());
    // 4 callers, ~2 ms each: at most 1,000 calls in 0.5 s, far fewer on a busy machine.
    assertTrue(run.measured().ok() > 20 && run.measured().ok() <= 1_000, "ok " + run.measured().ok());
    assertTrue(run.drained());
  }

  @Test
  void aClosedLoopWhoseCallsHangStillRunsItsFullDuration() throws Exception {
    Target never = (seq, done) -> {};
    LoadPlan plan = new LoadPlan(0, 4, Duration.ZERO, Duration.ofMillis(1_500), Duration.ofMillis(200));
    long started = System.nanoTime();
    LoadRunner.Outcome run = new LoadRunner(plan, never).run();
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMillis >= 1_600, "took " + tookMillis + " ms");
    assertTrue(!run.drained());
  }

  @Test
  void aTargetThatFailsOnTheCallingThreadDoesNotOverflowTheStack() throws Exception {
    Target failsAtOnce = (seq, done) -> done.failed("UNAVAILABLE");
    LoadPlan plan = new LoadPlan(0, 2, Duration.ZERO, Duration.ofMillis(300), Duration.ofSeconds(2));
    LoadRunner.Outcome run = new LoadRunner(plan, failsAtOnce).run();
    assertTrue(run.measured().failed() > 1_000);
    assertTrue(run.drained());
  }

  /**
   * The service stops answering for 200 ms once. A closed loop of one caller sees one slow call in
   * thousands: a p99 near zero (coordinated omission). The open loop keeps sending on schedule and
   * measures from the schedule, so the ~100 calls due during the stall show it.
   */
  @Test
  void aStallShowsInTheOpenLoopsPercentiles() throws Exception {
    long[] stall = new long[2];
    Target stalling = (seq, done) -> {
      long now = System.nanoTime();
      long delay = now >= stall[0] && now < stall[1] ? stall[1] - now : 100_000;
      answers.schedule(() -> done.succeeded("ALLOW"), delay, TimeUnit.NANOSECONDS);
    };
    LoadPlan plan = new LoadPlan(500, 1_000, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(2));
    stall[0] = System.nanoTime() + 1_000_000_000L;
    stall[1] = stall[0] + 200_000_000L;
    Histogram open = new LoadRunner(plan, stalling).run().measured().latency();

    assertEquals(1_000, open.getTotalCount());
    assertTrue(open.getValueAtPercentile(95) > 50_000, "open-loop p95 " + open.getValueAtPercentile(95) + " µs");
    assertTrue(open.getMaxValue() > 180_000, "open-loop max " + open.getMaxValue() + " µs");

    LoadPlan closedPlan = new LoadPlan(0, 1, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(2));
    stall[0] = System.nanoTime() + 1_000_000_000L;
    stall[1] = stall[0] + 200_000_000L;
    Histogram closed = new LoadRunner(closedPlan, stalling).run().measured().latency();
    assertTrue(closed.getMaxValue() > 150_000, "closed-loop max " + closed.getMaxValue() + " µs");
    assertTrue(closed.getValueAtPercentile(99) < 100_000, "closed-loop p99 " + closed.getValueAtPercentile(99) + " µs");
  }

  @Test
  void anOpenLoopFarBehindItsScheduleStopsAndCountsWhatItDidNotSend() throws Exception {
    LoadPlan plan = new LoadPlan(
        1_000, 5, Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(2), false, Duration.ofMillis(300));
    long started = System.nanoTime();
    LoadRunner.Outcome run = new LoadRunner(plan, delayed(500_000, 0)).run();

    assertTrue(run.gaveUp());
    Results m = run.measured();
    assertEquals(3_000, m.ok() + m.failed(), "every intended call is accounted for");
    assertTrue(m.errors().get(LoadRunner.NOT_SENT) > 2_000, "errors " + m.errors());
    assertTrue(System.nanoTime() - started < 2_500_000_000L, "stopped early");
  }

  @Test
  void reportHasTheFiguresAndThePerSecondSeries(@TempDir Path dir) throws Exception {
    LoadPlan plan = new LoadPlan(200, 16, Duration.ZERO, Duration.ofMillis(2_500), Duration.ofSeconds(2));
    LoadRunner.Outcome run = new LoadRunner(plan, delayed(500, 0)).run();
    Report report = Report.of("fake", Map.of("target", "nowhere"), run, Map.of(), Duration.ofMillis(100));
    Path file = dir.resolve("r.json");
    report.write(file);

    JsonNode json = new ObjectMapper().readTree(Files.readString(file));
    assertEquals("open", json.get("mode").asText());
    assertEquals(500, json.get("ok").asLong());
    assertEquals(200.0, json.get("throughputPerSecond").asDouble(), 0.1);
    assertTrue(json.get("latencyMicros").get("p99").asLong() > 0);
    assertTrue(json.get("slo").get("met").asBoolean());
    JsonNode series = json.get("perSecond");
    assertTrue(series.size() >= 2 && series.size() <= 4, "series " + series);
    long sum = 0;
    for (JsonNode s : series) {
      sum += s.get("ok").asLong();
    }
    assertEquals(500, sum, "the per-second series adds up to the total");
    assertTrue(report.summary().contains("throughput"));
  }
}
