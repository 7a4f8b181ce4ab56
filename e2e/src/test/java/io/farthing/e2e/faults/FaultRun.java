package io.farthing.e2e.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The record of one fault run: each fault (when, how long, what the callers saw meanwhile, how
 * soon things worked again), the load's totals and the invariants' verdicts, written as
 * {@code report.json} and {@code summary.md} in the run's directory.
 */
public final class FaultRun {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path out;
  private final long seed;
  private final long createdNanos = System.nanoTime();
  private final Instant startedAt = Instant.now();
  private final String loadAtStart = loadAverage();
  private final List<Fault> faults = new ArrayList<>();
  private long loadStartNanos;
  private long loadStopNanos;
  private double drainSeconds;

  /** One injected fault. {@code target}: the instance it hit (its recovery is that instance's first success). */
  public static final class Fault {
    private final String name;
    private final String detail;
    private final String target;
    private final long startNanos;
    private long endNanos = -1;
    private long recoveredNanos = -1;
    private String recoveredWhen = "the first successful call after the fault ended";
    private LongSupplier marker;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private double atSeconds;

    private Fault(String name, String detail, String target, long startNanos) {
      this.name = name;
      this.detail = detail;
      this.target = target;
      this.startNanos = startNanos;
    }

    public String name() {
      return name;
    }

    public Map<String, Object> extra() {
      return extra;
    }

    public long endNanos() {
      return endNanos;
    }

    public long recoveredNanos() {
      return recoveredNanos;
    }

    public double atSeconds() {
      return atSeconds;
    }

    /** Recovery as the fault itself observed it (a queue drained). */
    public void recovered(long nanos, String when) {
      recoveredNanos = nanos;
      recoveredWhen = when;
    }

    /** Recovery found later (e.g. the first charge risk-svc scored again); -1 when none. */
    public void recoveryMarker(LongSupplier marker) {
      this.marker = marker;
      this.recoveredWhen = "the first charge scored by risk-svc again";
    }
  }

  public FaultRun(Path out, long seed) {
    this.out = out;
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  public void loadStarted() {
    loadStartNanos = System.nanoTime();
  }

  public void loadStopped() {
    loadStopNanos = System.nanoTime();
  }

  public void drained(double seconds) {
    drainSeconds = seconds;
  }

  public synchronized Fault begin(String name, String detail, String target) {
    Fault f = new Fault(name, detail, target, System.nanoTime());
    f.atSeconds = seconds(f.startNanos - loadStartNanos);
    faults.add(f);
    System.out.printf("[faults] %6.1f s  %s%n", f.atSeconds, detail);
    return f;
  }

  public void end(Fault fault) {
    fault.endNanos = System.nanoTime();
  }

  public synchronized List<Fault> faults() {
    return List.copyOf(faults);
  }

  public synchronized int kills() {
    return (int) faults.stream().filter(f -> f.name.equals("payments-kill")).count();
  }

  /** Finds each fault's recovery in the attempt log where the fault did not record one itself. */
  public synchronized void settle(List<Load.Attempt> attempts) {
    for (Fault f : faults) {
      if (f.recoveredNanos >= 0 || f.endNanos < 0) {
        continue;
      }
      if (f.marker != null) {
        f.recoveredNanos = f.marker.getAsLong();
        continue;
      }
      f.recoveredNanos = firstOkAfter(f, attempts);
      if (f.target != null) {
        f.recoveredWhen = "the first successful call on " + f.target + " after its restart";
      }
    }
  }

  /**
   * Whether the load has shown every fault that ended over (a call answered OK on its target since),
   * so that stopping the load now leaves no fault without its recovery. Faults that record their
   * own recovery (a marker) are left to {@link #settle}.
   */
  public synchronized boolean allRecovered(List<Load.Attempt> attempts) {
    for (Fault f : faults) {
      if (f.recoveredNanos < 0 && f.endNanos >= 0 && f.marker == null && firstOkAfter(f, attempts) < 0) {
        return false;
      }
    }
    return true;
  }

  private static long firstOkAfter(Fault f, List<Load.Attempt> attempts) {
    long first = -1;
    for (Load.Attempt a : attempts) {
      if (a.endNanos() >= f.endNanos && a.outcome().equals("OK") && (f.target == null || f.target.equals(a.target()))
          && (first < 0 || a.endNanos() < first)) {
        first = a.endNanos();
      }
    }
    return first;
  }

  /** Writes report.json and summary.md. */
  public synchronized void write(List<Load.Attempt> attempts, Map<String, Object> figures,
      Map<String, List<String>> violations) throws IOException {
    settle(attempts);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("startedAt", startedAt.toString());
    report.put("seed", seed);
    report.put("durationSeconds", round(seconds(System.nanoTime() - createdNanos)));
    report.put("loadSeconds", round(seconds(loadStopNanos - loadStartNanos)));
    report.put("drainSeconds", round(drainSeconds));
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("loadAverageAtStart", loadAtStart);
    machine.put("loadAverageAtEnd", loadAverage());
    report.put("machine", machine);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("attempts", attempts.size());
    load.put("attemptsByOutcome", byOutcome(attempts, loadStartNanos, loadStopNanos));
    load.put("attemptsPerSecond", round(attempts.size() / Math.max(1, seconds(loadStopNanos - loadStartNanos))));
    report.put("load", load);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Fault f : faults) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fault", f.name);
      m.put("detail", f.detail);
      m.put("atSeconds", round(f.atSeconds));
      m.put("durationSeconds", round(seconds(f.endNanos - f.startNanos)));
      m.put("recoverySeconds", f.recoveredNanos < 0 ? null : round(seconds(f.recoveredNanos - f.startNanos)));
      m.put("recoveredWhen", f.recoveredWhen);
      long windowEnd = Math.max(f.endNanos, f.recoveredNanos);
      Map<String, Long> outcomes = byOutcome(attempts, f.startNanos, windowEnd);
      Map<String, Object> calls = new LinkedHashMap<>();
      calls.put("made", outcomes.values().stream().mapToLong(Long::longValue).sum());
      calls.put("succeeded", outcomes.getOrDefault("OK", 0L));
      Map<String, Long> failed = new TreeMap<>(outcomes);
      failed.remove("OK");
      calls.put("failedByStatus", failed);
      m.put("callsFromStartToRecovery", calls);
      m.putAll(f.extra);
      list.add(m);
    }
    report.put("faults", list);
    report.put("figures", figures);
    List<Map<String, Object>> verdicts = new ArrayList<>();
    violations.forEach((name, v) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("invariant", name);
      m.put("holds", v.isEmpty());
      m.put("violations", v);
      verdicts.add(m);
    });
    report.put("invariants", verdicts);
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), JSON.writeValueAsString(report));
    Files.writeString(out.resolve("summary.md"), markdown(report, list, verdicts));
    StringBuilder csv = new StringBuilder("seconds,target,op,outcome\n");
    for (Load.Attempt a : attempts) {
      csv.append(String.format(java.util.Locale.ROOT, "%.3f", seconds(a.endNanos() - loadStartNanos))).append(',')
          .append(a.target()).append(',').append(a.op()).append(',').append(a.outcome()).append('\n');
    }
    Files.writeString(out.resolve("attempts.csv"), csv);
    System.out.println("[faults] report: " + out.resolve("report.json"));
    System.out.println(Files.readString(out.resolve("summary.md")));
  }

  @SuppressWarnings("unchecked")
  private static String markdown(Map<String, Object> report, List<Map<String, Object>> faults,
      List<Map<String, Object>> verdicts) {
    StringBuilder md = new StringBuilder("# Fault run " + report.get("startedAt") + "\n\n");
    Map<String, Object> machine = (Map<String, Object>) report.get("machine");
    Map<String, Object> load = (Map<String, Object>) report.get("load");
    md.append("Duration ").append(report.get("durationSeconds")).append(" s (load ").append(report.get("loadSeconds"))
        .append(" s, drain ").append(report.get("drainSeconds")).append(" s), seed ").append(report.get("seed"))
        .append("; ").append(machine.get("cores")).append(" cores, load average ").append(machine.get("loadAverageAtStart"))
        .append(" at start, ").append(machine.get("loadAverageAtEnd")).append(" at end.\n\n");
    md.append("Load: ").append(load.get("attempts")).append(" calls (").append(load.get("attemptsPerSecond"))
        .append("/s): ").append(load.get("attemptsByOutcome")).append("\n\n");
    md.append("| # | at (s) | fault | took (s) | recovered after (s) | calls | ok | failed by status |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    int i = 1;
    for (Map<String, Object> f : faults) {
      Map<String, Object> calls = (Map<String, Object>) f.get("callsFromStartToRecovery");
      md.append("| ").append(i++).append(" | ").append(f.get("atSeconds")).append(" | ").append(f.get("detail"))
          .append(" | ").append(f.get("durationSeconds")).append(" | ").append(f.get("recoverySeconds")).append(" | ")
          .append(calls.get("made")).append(" | ").append(calls.get("succeeded")).append(" | ")
          .append(calls.get("failedByStatus")).append(" |\n");
    }
    md.append("\n| invariant | holds | violations |\n| --- | --- | --- |\n");
    for (Map<String, Object> v : verdicts) {
      List<String> violations = (List<String>) v.get("violations");
      md.append("| ").append(v.get("invariant")).append(" | ").append((Boolean) v.get("holds") ? "yes" : "**NO**")
          .append(" | ").append(violations.isEmpty() ? "" : String.join("; ", violations.subList(0, Math.min(5, violations.size()))))
          .append(" |\n");
    }
    return md.toString();
  }

  private static Map<String, Long> byOutcome(List<Load.Attempt> attempts, long from, long to) {
    Map<String, Long> out = new TreeMap<>();
    for (Load.Attempt a : attempts) {
      if (a.endNanos() >= from && a.endNanos() <= to) {
        out.merge(a.outcome(), 1L, Long::sum);
      }
    }
    return out;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
