package io.farthing.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's latency over time, from the per-second series of its {@link Report}: the top panel the
 * whole run's p50, p99 and max per second and each operation's p99 per second (log scale); the
 * bottom panel answers and errors per second. A second with no answer is a gap, not a zero.
 */
public final class LatencyChart {
  private LatencyChart() {}

  @SuppressWarnings("unchecked")
  public static String svg(String title, Map<String, Object> report) {
    List<Map<String, Object>> overall = (List<Map<String, Object>>) report.getOrDefault("perSecond", List.of());
    Map<String, Object> byOperation = (Map<String, Object>) report.getOrDefault("byOperation", Map.of());
    List<SvgChart.Series> latency = new ArrayList<>();
    int colour = 0;
    // The whole run's lines are drawn thicker than the operations' own.
    latency.add(new SvgChart.Series("all p50", SvgChart.PALETTE.get(colour++), latencyPoints(overall, "p50Micros"), 3));
    latency.add(new SvgChart.Series("all p99", SvgChart.PALETTE.get(colour++), latencyPoints(overall, "p99Micros"), 3));
    latency.add(new SvgChart.Series("all max", SvgChart.PALETTE.get(colour++), latencyPoints(overall, "maxMicros"), 3));
    List<SvgChart.Series> rate = new ArrayList<>();
    rate.add(new SvgChart.Series("answered/s", SvgChart.PALETTE.get(0), countPoints(overall, "ok"), 2));
    rate.add(new SvgChart.Series("errors/s", SvgChart.PALETTE.get(1), countPoints(overall, "errors"), 2));
    for (Map.Entry<String, Object> op : byOperation.entrySet()) {
      List<Map<String, Object>> series = (List<Map<String, Object>>) ((Map<String, Object>) op.getValue()).get("perSecond");
      latency.add(new SvgChart.Series(op.getKey() + " p99", SvgChart.PALETTE.get(colour++ % SvgChart.PALETTE.size()),
          latencyPoints(series, "p99Micros"), 1.2));
    }
    String from = String.valueOf(report.getOrDefault("latencyMeasuredFrom", "send time"));
    return SvgChart.render(title, "seconds into the measured run",
        List.of(new SvgChart.Panel("latency of the answered calls per second, from the " + from, "ms", true, latency),
            new SvgChart.Panel("calls answered and failed per second", "calls/s", false, rate)),
        900, 300);
  }

  /** Milliseconds per second of the run; NaN where that second had no answer. */
  static List<SvgChart.Point> latencyPoints(List<Map<String, Object>> series, String field) {
    List<SvgChart.Point> points = new ArrayList<>(series.size());
    for (Map<String, Object> s : series) {
      long ok = ((Number) s.get("ok")).longValue();
      double t = ((Number) s.get("t")).doubleValue();
      points.add(new SvgChart.Point(t, ok == 0 ? Double.NaN : ((Number) s.get(field)).longValue() / 1e3));
    }
    return points;
  }

  static List<SvgChart.Point> countPoints(List<Map<String, Object>> series, String field) {
    List<SvgChart.Point> points = new ArrayList<>(series.size());
    for (Map<String, Object> s : series) {
      points.add(new SvgChart.Point(((Number) s.get("t")).doubleValue(), ((Number) s.get(field)).doubleValue()));
    }
    return points;
  }
}
