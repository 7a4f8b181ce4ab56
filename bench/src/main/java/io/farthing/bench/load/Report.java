package io.farthing.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's figures as JSON (for docs/benchmarks/ and for comparing runs) and as a summary for a
 * person. Latencies are in microseconds in the JSON; the full latency histogram is kept too
 * (HdrHistogram's compressed form, base64), so that runs can be merged or re-read later.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Map<String, Object> fields;

  private Report(Map<String, Object> fields) {
    this.fields = fields;
  }

  /**
   * @param benchmark e.g. "risk-score"
   * @param settings what was driven and how (target, users, channels, ...), kept as given
   * @param sloP99 the p99 the run is judged against, or null
   */
  public static Report of(
      String benchmark, Map<String, Object> settings, LoadRunner.Outcome run, Map<String, Object> details, Duration sloP99) {
    Results m = run.measured();
    Histogram latency = m.latency();
    double seconds = run.measuredNanos() / 1e9;
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("benchmark", benchmark);
    f.put("startedAt", Instant.ofEpochMilli(run.startedAtEpochMillis()).toString());
    f.put("mode", run.plan().mode());
    f.put("targetRatePerSecond", run.plan().openLoop() ? run.plan().ratePerSecond() : null);
    f.put("concurrency", run.plan().concurrency());
    f.put("warmupSeconds", run.plan().warmup().toMillis() / 1e3);
    f.put("warmupRamp", run.plan().openLoop() && run.plan().ramp() ? "linear from " + LoadPlan.RAMP_FROM + " of the rate" : null);
    f.put("durationSeconds", seconds);
    f.put("settings", settings);
    f.put("count", m.ok() + m.failed());
    f.put("ok", m.ok());
    f.put("errors", m.failed());
    f.put("errorsByCode", m.errors());
    f.put("errorExamples", m.errorExamples());
    f.put("throughputPerSecond", round1(m.ok() / seconds));
    f.put("outcomes", m.outcomes());
    f.put("flags", m.flags());
    f.put("latencyMicros", percentiles(latency));
    f.put("latencyMeasuredFrom", run.plan().openLoop() ? "intended send time" : "send time");
    if (run.plan().openLoop()) {
      f.put("serviceTimeMicros", percentiles(m.serviceTime()));
      f.put("sendLagMicros", percentiles(m.sendLag()));
      f.put("inFlightLimitHits", run.slotWaits());
    }
    f.put("drained", run.drained());
    f.put("gaveUp", run.gaveUp());
    if (sloP99 != null) {
      Map<String, Object> slo = new LinkedHashMap<>();
      slo.put("p99Micros", sloP99.toNanos() / 1_000);
      slo.put("ratePerSecond", run.plan().openLoop() ? run.plan().ratePerSecond() : null);
      slo.put("met", m.failed() == 0 && latency.getValueAtPercentile(99) <= sloP99.toNanos() / 1_000);
      f.put("slo", slo);
    }
    f.put("details", details);
    Map<String, Object> warm = new LinkedHashMap<>();
    warm.put("ok", run.warmup().ok());
    warm.put("errors", run.warmup().failed());
    warm.put("errorsByCode", run.warmup().errors());
    warm.put("errorExamples", run.warmup().errorExamples());
    warm.put("latencyMicros", percentiles(run.warmup().serviceTime()));
    f.put("warmup", warm);
    List<Map<String, Object>> series = new ArrayList<>();
    for (Results.Interval i : m.intervals()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("t", i.endSeconds());
      s.put("ok", i.ok());
      s.put("errors", i.errors());
      s.put("p50Micros", i.p50Micros());
      s.put("p99Micros", i.p99Micros());
      s.put("maxMicros", i.maxMicros());
      series.add(s);
    }
    f.put("perSecond", series);
    Map<String, Results> operations = m.operations();
    if (!operations.isEmpty()) {
      Map<String, Object> byOperation = new LinkedHashMap<>();
      long all = m.ok() + m.failed();
      operations.forEach((name, r) -> byOperation.put(name, operation(r, seconds, all, run.plan().openLoop())));
      f.put("byOperation", byOperation);
    }
    f.put("latencyHistogram", encode(latency));
    return new Report(f);
  }

  /** One operation's figures within a run: its share of the calls, throughput, latency, errors, series. */
  static Map<String, Object> operation(Results r, double seconds, long allCalls, boolean openLoop) {
    Map<String, Object> o = new LinkedHashMap<>();
    long count = r.ok() + r.failed();
    o.put("count", count);
    o.put("share", allCalls > 0 ? Math.round(count * 1000.0 / allCalls) / 1000.0 : 0);
    o.put("ok", r.ok());
    o.put("errors", r.failed());
    o.put("throughputPerSecond", round1(r.ok() / seconds));
    o.put("errorsByCode", r.errors());
    o.put("errorExamples", r.errorExamples());
    o.put("outcomes", r.outcomes());
    o.put("latencyMicros", percentiles(r.latency()));
    if (openLoop) {
      o.put("serviceTimeMicros", percentiles(r.serviceTime()));
    }
    List<Map<String, Object>> series = new ArrayList<>();
    for (Results.Interval i : r.intervals()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("t", i.endSeconds());
      s.put("ok", i.ok());
      s.put("errors", i.errors());
      s.put("p50Micros", i.p50Micros());
      s.put("p99Micros", i.p99Micros());
      s.put("maxMicros", i.maxMicros());
      series.add(s);
    }
    o.put("perSecond", series);
    return o;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), fields);
  }

  /** What a person reads at the end of a run. */
  @SuppressWarnings("unchecked")
  public String summary() {
    Map<String, Object> lat = (Map<String, Object>) fields.get("latencyMicros");
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s, %s loop", fields.get("benchmark"), fields.get("mode")));
    if (fields.get("targetRatePerSecond") != null) {
      out.append(String.format(Locale.ROOT, " at %.0f/s", (Double) fields.get("targetRatePerSecond")));
    }
    out.append(String.format(Locale.ROOT, ", concurrency %s, %.0f s measured after %.0f s warm-up%n",
        fields.get("concurrency"), fields.get("durationSeconds"), fields.get("warmupSeconds")));
    Map<String, Object> warm = (Map<String, Object>) fields.get("warmup");
    out.append(String.format(Locale.ROOT, "  warm-up     %s ok, %s errors %s%n", warm.get("ok"), warm.get("errors"), warm.get("errorsByCode")));
    out.append(String.format(Locale.ROOT, "  throughput  %.1f/s (%s ok, %s errors %s)%n",
        fields.get("throughputPerSecond"), fields.get("ok"), fields.get("errors"), fields.get("errorsByCode")));
    out.append(String.format(Locale.ROOT, "  latency     p50 %s  p95 %s  p99 %s  p99.9 %s  max %s  (from %s)%n",
        ms(lat.get("p50")), ms(lat.get("p95")), ms(lat.get("p99")), ms(lat.get("p99.9")), ms(lat.get("max")),
        fields.get("latencyMeasuredFrom")));
    Map<String, Object> service = (Map<String, Object>) fields.get("serviceTimeMicros");
    if (service != null) {
      Map<String, Object> lag = (Map<String, Object>) fields.get("sendLagMicros");
      out.append(String.format(Locale.ROOT, "  service     p50 %s  p99 %s  max %s  (from actual send; generator lag p99 %s max %s)%n",
          ms(service.get("p50")), ms(service.get("p99")), ms(service.get("max")), ms(lag.get("p99")), ms(lag.get("max"))));
    }
    out.append(String.format(Locale.ROOT, "  outcomes    %s  flags %s%n", fields.get("outcomes"), fields.get("flags")));
    Map<String, Object> byOperation = (Map<String, Object>) fields.get("byOperation");
    if (byOperation != null) {
      byOperation.forEach((name, value) -> {
        Map<String, Object> o = (Map<String, Object>) value;
        Map<String, Object> l = (Map<String, Object>) o.get("latencyMicros");
        out.append(String.format(Locale.ROOT, "  %-11s %.1f/s ok, p50 %s  p95 %s  p99 %s  p99.9 %s, errors %s%n", name,
            o.get("throughputPerSecond"), ms(l.get("p50")), ms(l.get("p95")), ms(l.get("p99")), ms(l.get("p99.9")),
            o.get("errorsByCode")));
      });
    }
    Map<String, Object> slo = (Map<String, Object>) fields.get("slo");
    if (slo != null) {
      out.append(String.format(Locale.ROOT, "  target      p99 <= %s: %s%n", ms(slo.get("p99Micros")),
          Boolean.TRUE.equals(slo.get("met")) ? "MET" : "NOT MET"));
    }
    if (Boolean.TRUE.equals(fields.get("gaveUp"))) {
      out.append("  warning     the schedule fell too far behind: the rest was not sent (errors NOT_SENT)\n");
    }
    if (!Boolean.TRUE.equals(fields.get("drained"))) {
      out.append("  warning     some calls were still unanswered at the end (not counted)\n");
    }
    return out.toString();
  }

  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("count", h.getTotalCount());
    p.put("mean", Math.round(h.getMean()));
    p.put("p50", h.getValueAtPercentile(50));
    p.put("p90", h.getValueAtPercentile(90));
    p.put("p95", h.getValueAtPercentile(95));
    p.put("p99", h.getValueAtPercentile(99));
    p.put("p99.9", h.getValueAtPercentile(99.9));
    p.put("max", h.getMaxValue());
    return p;
  }

  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  private static String ms(Object micros) {
    return String.format(Locale.ROOT, "%.2f ms", ((Number) micros).longValue() / 1e3);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
