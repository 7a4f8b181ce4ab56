package io.farthing.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Draws the latency-over-time charts of a report written earlier (one SVG per run), e.g. after
 * the chart's look changed: {@code chart docs/benchmarks/payments-mix-1.json --prefix
 * docs/benchmarks/payments-mix-1}.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
    description = "Write PREFIX-<run>.svg, the latency-over-time chart, for every run of a JSON report.")
public class ChartCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "A report: one run's (Report) or a runs[] report (charge, mix).")
  Path report;

  @Option(names = "--prefix", required = true, description = "Charts go to PREFIX-<run>.svg.")
  String prefix;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() throws Exception {
    Map<String, Object> read = new ObjectMapper().readValue(report.toFile(), Map.class);
    List<Map<String, Object>> runs = read.containsKey("runs")
        ? (List<Map<String, Object>>) read.get("runs")
        : List.of(read);
    for (Map<String, Object> run : runs) {
      if (run.get("perSecond") == null) {
        continue;
      }
      String name = String.valueOf(run.getOrDefault("name", run.getOrDefault("mode", "run")));
      String title = String.format("%s %s (%s)%n%s loop%s, %s s measured", read.getOrDefault("benchmark", run.get("benchmark")),
          name, run.get("startedAt"), run.get("mode"),
          run.get("targetRatePerSecond") == null ? ", " + run.get("concurrency") + " callers" : " at " + run.get("targetRatePerSecond") + "/s",
          run.get("durationSeconds"));
      Path out = Path.of(prefix + "-" + name + ".svg");
      Files.writeString(out, LatencyChart.svg(title, run));
      System.out.println(out);
    }
    return 0;
  }
}
