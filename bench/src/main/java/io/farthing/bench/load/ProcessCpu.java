package io.farthing.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the processes beside the generator (the services under load, PostgreSQL's backends,
 * Redis), read from {@code /proc/<pid>/stat}, so that a run can say what each of them cost. A watch
 * is {@code name=PID} or {@code name=~TEXT} (every process whose command line contains TEXT, e.g.
 * the PostgreSQL backends of one database, whose titles name it). Linux only; elsewhere every
 * figure is 0.
 */
public final class ProcessCpu {
  private final List<Watch> watches;
  private final int clockTicksPerSecond;

  /** One named group of processes. */
  public record Watch(String name, long pid, String commandLineContains) {
    public static Watch parse(String spec) {
      int eq = spec.indexOf('=');
      if (eq < 1 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("a CPU watch is name=PID or name=~TEXT, not '" + spec + "'");
      }
      String name = spec.substring(0, eq);
      String what = spec.substring(eq + 1);
      if (what.startsWith("~")) {
        return new Watch(name, -1, what.substring(1));
      }
      try {
        return new Watch(name, Long.parseLong(what), null);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a CPU watch is name=PID or name=~TEXT, not '" + spec + "'");
      }
    }
  }

  /** Clock ticks used so far, per watch and pid. */
  public record Snapshot(Map<String, Map<Long, Long>> ticks, long nanos) {}

  public ProcessCpu(List<Watch> watches, int clockTicksPerSecond) {
    this.watches = List.copyOf(watches);
    this.clockTicksPerSecond = clockTicksPerSecond;
  }

  public boolean isEmpty() {
    return watches.isEmpty();
  }

  public Snapshot sample() {
    Map<String, Map<Long, Long>> out = new LinkedHashMap<>();
    List<Long> all = watches.stream().anyMatch(w -> w.pid() < 0) ? allPids() : List.of();
    for (Watch w : watches) {
      Map<Long, Long> ticks = new LinkedHashMap<>();
      if (w.pid() >= 0) {
        long t = ticks(w.pid());
        if (t >= 0) {
          ticks.put(w.pid(), t);
        }
      } else {
        for (long pid : all) {
          if (commandLine(pid).contains(w.commandLineContains())) {
            long t = ticks(pid);
            if (t >= 0) {
              ticks.put(pid, t);
            }
          }
        }
      }
      out.put(w.name(), ticks);
    }
    return new Snapshot(out, System.nanoTime());
  }

  /**
   * CPU seconds and cores per watch between two snapshots. A process that started in between counts
   * with all its time; one that ended in between is left out (its last figures are unknown).
   */
  public Map<String, Object> between(Snapshot before, Snapshot after) {
    double wall = (after.nanos() - before.nanos()) / 1e9;
    Map<String, Object> seconds = new LinkedHashMap<>();
    Map<String, Object> cores = new LinkedHashMap<>();
    Map<String, Object> processes = new LinkedHashMap<>();
    for (Watch w : watches) {
      Map<Long, Long> b = before.ticks().getOrDefault(w.name(), Map.of());
      long used = 0;
      for (Map.Entry<Long, Long> e : after.ticks().getOrDefault(w.name(), Map.of()).entrySet()) {
        used += e.getValue() - b.getOrDefault(e.getKey(), 0L);
      }
      double s = used / (double) clockTicksPerSecond;
      seconds.put(w.name(), Math.round(s * 100) / 100.0);
      cores.put(w.name(), wall > 0 ? Math.round(s / wall * 100) / 100.0 : 0);
      processes.put(w.name(), after.ticks().getOrDefault(w.name(), Map.of()).size());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("wallSeconds", Math.round(wall * 10) / 10.0);
    out.put("cpuSeconds", seconds);
    out.put("cpuCores", cores);
    out.put("processes", processes);
    return out;
  }

  /** user + system clock ticks of {@code pid}, or -1 if it is gone or unreadable. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count from after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : proc) {
        pids.add(Long.parseLong(p.getFileName().toString()));
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to watch
    }
    return pids;
  }
}
