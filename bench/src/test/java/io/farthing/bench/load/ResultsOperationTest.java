package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-operation figures of a mixed run: percentiles up to p99.9, counts and errors apart. */
class ResultsOperationTest {
  private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    answers.shutdownNow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void percentilesOfAnOperationIncludeP999() {
    Results phase = new Results();
    phase.startIntervals(0);
    Results refund = phase.operation("refund");
    // 1 ms, 2 ms, ... 1,000 ms: the p-th percentile is p × 10 ms.
    for (int i = 1; i <= 1_000; i++) {
      long done = i * 1_000_000L;
      phase.succeeded(0, 0, done, "REFUNDED");
      refund.succeeded(0, 0, done, "REFUNDED");
    }
    phase.operation("charge").failed("FAILED_PRECONDITION/INSUFFICIENT_FUNDS");
    phase.tick(1_000_000_000L, 0);

    Map<String, Object> o = Report.operation(refund, 1.0, 1_001, true);
    Map<String, Object> latency = (Map<String, Object>) o.get("latencyMicros");
    assertEquals(1_000L, latency.get("count"));
    assertNear(500_000, latency.get("p50"));
    assertNear(950_000, latency.get("p95"));
    assertNear(990_000, latency.get("p99"));
    assertNear(999_000, latency.get("p99.9"));
    assertNear(1_000_000, latency.get("max"));
    assertEquals(1_000.0, o.get("throughputPerSecond"));
    assertEquals(0.999, o.get("share"));
    assertEquals(Map.of("REFUNDED", 1_000L), o.get("outcomes"));
    Map<String, Object> charge = Report.operation(phase.operations().get("charge"), 1.0, 1_001, false);
    assertEquals(Map.of("FAILED_PRECONDITION/INSUFFICIENT_FUNDS", 1L), charge.get("errorsByCode"));
    assertEquals(0L, charge.get("ok"));
    List<Map<String, Object>> series = (List<Map<String, Object>>) o.get("perSecond");
    assertEquals(1, series.size());
    assertEquals(1_000L, series.getFirst().get("ok"));
  }

  private static void assertNear(long expectedMicros, Object actual) {
    long v = ((Number) actual).longValue();
    // HdrHistogram keeps 3 significant digits.
    assertTrue(Math.abs(v - expectedMicros) <= expectedMicros / 500, "expected ~" + expectedMicros + " µs, was " + v);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRunReportsEachNamedOperationApartAndAllTogether() throws Exception {
    Target target = (seq, done) -> {
      String op = seq % 4 == 0 ? "refund" : "charge";
      done.operation(op);
      answers.schedule(() -> {
        if (op.equals("refund") && seq % 8 == 0) {
          done.failed("NOT_FOUND/CHARGE_NOT_FOUND");
        } else {
          done.succeeded("SUCCEEDED");
        }
      }, op.equals("refund") ? 20 : 1, TimeUnit.MILLISECONDS);
    };
    LoadPlan plan = new LoadPlan(400, 256, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2));
    LoadRunner.Outcome run = new LoadRunner(plan, target).run();
    Report report = Report.of("mix-test", Map.of(), run, Map.of(), null);
    Map<String, Object> byOperation = (Map<String, Object>) report.fields().get("byOperation");
    assertEquals(List.of("charge", "refund"), List.copyOf(byOperation.keySet()));
    Map<String, Object> charge = (Map<String, Object>) byOperation.get("charge");
    Map<String, Object> refund = (Map<String, Object>) byOperation.get("refund");
    long all = (Long) report.fields().get("count");
    assertEquals(800, all, "2 s at 400/s");
    assertEquals(all, (Long) charge.get("count") + (Long) refund.get("count"));
    assertEquals(600L, charge.get("count"));
    assertEquals(100L, refund.get("errors"));
    assertEquals(Map.of("NOT_FOUND/CHARGE_NOT_FOUND", 100L), refund.get("errorsByCode"));
    assertEquals(Map.of("NOT_FOUND/CHARGE_NOT_FOUND", 100L), report.fields().get("errorsByCode"));
    long chargeP50 = ((Number) ((Map<String, Object>) charge.get("latencyMicros")).get("p50")).longValue();
    long refundP50 = ((Number) ((Map<String, Object>) refund.get("latencyMicros")).get("p50")).longValue();
    assertTrue(refundP50 >= 20_000 && refundP50 > chargeP50, "refund p50 " + refundP50 + " µs, charge " + chargeP50);
    List<Map<String, Object>> series = (List<Map<String, Object>>) refund.get("perSecond");
    assertTrue(series.size() >= 2, "a per-second series per operation: " + series.size());
    assertEquals(100L, series.stream().mapToLong(s -> ((Number) s.get("ok")).longValue()).sum(), "every refund answer is in some second");
  }
}
