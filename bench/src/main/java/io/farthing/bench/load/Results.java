package io.farthing.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one phase of a run (warm-up or measurement) saw. Written concurrently by the threads that
 * receive answers; latencies in microseconds, in HdrHistograms (3 significant digits, up to
 * {@link #HIGHEST_MICROS}). {@link #tick} closes a one-second interval for the per-second series.
 */
public final class Results {
  /** Anything slower than a minute is recorded as a minute. */
  public static final long HIGHEST_MICROS = 60_000_000L;

  private static final int DIGITS = 3;

  private final Recorder latency = new Recorder(HIGHEST_MICROS, DIGITS);
  private final Histogram latencyTotal = new Histogram(HIGHEST_MICROS, DIGITS);
  private final ConcurrentHistogram serviceTime = new ConcurrentHistogram(HIGHEST_MICROS, DIGITS);
  private final ConcurrentHistogram sendLag = new ConcurrentHistogram(HIGHEST_MICROS, DIGITS);
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong failedInInterval = new AtomicLong();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> flags = new ConcurrentHashMap<>();
  private final Map<String, List<String>> errorExamples = new ConcurrentHashMap<>();
  private final List<Interval> intervals = new ArrayList<>();
  private final Map<String, Results> operations = new ConcurrentHashMap<>();
  private Histogram recycled;
  private long lastTickNanos;

  /** One second (the last one may be shorter) of the per-second series. */
  public record Interval(
      double endSeconds, long ok, long errors, long p50Micros, long p99Micros, long maxMicros) {}

  /**
   * @param intendedNanos when the call was meant to start (open loop), or when it did (closed)
   * @param sentNanos when it was handed to the client
   */
  public void succeeded(long intendedNanos, long sentNanos, long doneNanos, String outcome, String... flagNames) {
    latency.recordValue(clamp((doneNanos - intendedNanos) / 1_000));
    serviceTime.recordValue(clamp((doneNanos - sentNanos) / 1_000));
    ok.increment();
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    for (String flag : flagNames) {
      flags.computeIfAbsent(flag, k -> new LongAdder()).increment();
    }
  }

  public void failed(String code) {
    failed.increment();
    failedInInterval.incrementAndGet();
    errors.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  /** Keeps the first few distinct descriptions of failures with {@code code}. */
  public void failureDetail(String code, String detail) {
    if (detail == null || detail.isBlank()) {
      return;
    }
    List<String> examples = errorExamples.computeIfAbsent(code, k -> new ArrayList<>());
    synchronized (examples) {
      String shortened = detail.length() > 300 ? detail.substring(0, 300) + "…" : detail;
      if (examples.size() < 3 && !examples.contains(shortened)) {
        examples.add(shortened);
      }
    }
  }

  public Map<String, List<String>> errorExamples() {
    Map<String, List<String>> copy = new TreeMap<>();
    errorExamples.forEach((k, v) -> {
      synchronized (v) {
        copy.put(k, List.copyOf(v));
      }
    });
    return copy;
  }

  /**
   * The figures of one kind of call within this phase (a mixed workload's "charge", "refund",
   * ...): a {@link Results} of its own, ticked with this one, so each operation has its own
   * counts, errors, percentiles and per-second series. The phase's own figures still count every
   * call.
   */
  public Results operation(String name) {
    return operations.computeIfAbsent(name, k -> {
      Results child = new Results();
      synchronized (this) {
        child.startIntervals(lastTickNanos);
      }
      return child;
    });
  }

  /** The operations seen so far, by name. */
  public Map<String, Results> operations() {
    return new TreeMap<>(operations);
  }

  /** How late the generator sent a call compared with its schedule (open loop only). */
  public void sentLate(long lagNanos) {
    sendLag.recordValue(clamp(Math.max(0, lagNanos) / 1_000));
  }

  /**
   * Starts the per-second series at {@code nanos}. Nothing is reset: only calls of this phase
   * write here, and the timer may run this a little after the phase's first answers arrived.
   */
  public synchronized void startIntervals(long nanos) {
    lastTickNanos = nanos;
    for (Results child : operations.values()) {
      child.startIntervals(nanos);
    }
  }

  /** Closes the interval that ends at {@code nanos}: one entry of the per-second series. */
  public synchronized void tick(long nanos, long runStartNanos) {
    Histogram interval = latency.getIntervalHistogram(recycled);
    latencyTotal.add(interval);
    long errorsNow = failedInInterval.getAndSet(0);
    if (nanos > lastTickNanos) {
      intervals.add(
          new Interval(
              Math.round((nanos - runStartNanos) / 1e6) / 1e3,
              interval.getTotalCount(),
              errorsNow,
              interval.getValueAtPercentile(50),
              interval.getValueAtPercentile(99),
              interval.getMaxValue()));
    }
    lastTickNanos = nanos;
    recycled = interval;
    for (Results child : operations.values()) {
      child.tick(nanos, runStartNanos);
    }
  }

  public long ok() {
    return ok.sum();
  }

  public long failed() {
    return failed.sum();
  }

  /** Latency of the successful calls (from the intended time) in the closed intervals. */
  public synchronized Histogram latency() {
    return latencyTotal.copy();
  }

  /** Latency from the moment the call was actually sent (differs from latency in open loop). */
  public Histogram serviceTime() {
    return serviceTime.copy();
  }

  public Histogram sendLag() {
    return sendLag.copy();
  }

  public Map<String, Long> errors() {
    return snapshot(errors);
  }

  public Map<String, Long> outcomes() {
    return snapshot(outcomes);
  }

  public Map<String, Long> flags() {
    return snapshot(flags);
  }

  public synchronized List<Interval> intervals() {
    return List.copyOf(intervals);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> copy = new TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  private static long clamp(long micros) {
    return Math.min(Math.max(micros, 0), HIGHEST_MICROS);
  }
}
