package io.farthing.bench.risk;

import io.farthing.bench.auth.BenchTokens;
import io.farthing.bench.load.LoadOptions;
import io.farthing.bench.load.LoadRunner;
import io.farthing.bench.load.Report;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Drives {@code farthing.risk.v1.Risk/Score}: see docs/benchmarks/risk-score.md. */
@Command(
    name = "risk-score",
    mixinStandardHelpOptions = true,
    description = "Benchmark risk-svc's Score over gRPC: throughput and latency percentiles.")
public class RiskScoreCommand implements Callable<Integer> {
  @Mixin LoadOptions load;

  @Option(names = "--target", defaultValue = "127.0.0.1:8103", description = "risk-svc's gRPC address (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--channels", defaultValue = "2",
      description = "HTTP/2 connections to spread the calls over (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--users", defaultValue = "100000", description = "Distinct paying users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the user population and request stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Credentials credentials;

  static class Credentials {
    @Option(names = "--token", description = "Bearer token with scope risk:score.")
    String token;

    @Option(names = "--jwt-key-dir", description = "Sign a risk:score token with the key here (made, with jwks.json, if absent).")
    Path jwtKeyDir;
  }

  @Override
  public Integer call() throws Exception {
    String runId = UUID.randomUUID().toString().substring(0, 8);
    long populationStart = System.nanoTime();
    ScoreWorkload workload = new ScoreWorkload(users, seed, runId);
    System.err.printf("%,d users made in %d ms; run %s%n", users, (System.nanoTime() - populationStart) / 1_000_000, runId);

    Duration runTime = load.warmup.plus(load.duration).plusMinutes(5);
    String token = credentials.token != null
        ? credentials.token
        : BenchTokens.in(credentials.jwtKeyDir).client("farthing-bench", runTime, "risk:score");

    try (RiskScoreTarget risk = new RiskScoreTarget(target, channels, token, workload, load.deadline)) {
      try {
        ScoreResponse probe = risk.probe(workload.next(-1).toBuilder().setRequestId("bench-" + runId + "-probe").build());
        System.err.printf("probe: %s score %d in %s%n", RiskScoreTarget.verdict(probe), probe.getScore(), target);
      } catch (StatusRuntimeException e) {
        System.err.printf("risk-svc at %s refused the probe call: %s%n", target, e.getStatus());
        return 2;
      }

      long cpuBefore = processCpuNanos();
      long wallBefore = System.nanoTime();
      LoadRunner.Outcome outcome = new LoadRunner(load.plan(), risk).run();
      double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
      double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;

      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("target", target);
      settings.put("channels", channels);
      settings.put("users", users);
      settings.put("seed", seed);
      settings.put("runId", runId);
      settings.put("deadlineMillis", load.deadline.toMillis());
      Map<String, Object> details = new LinkedHashMap<>(risk.details());
      details.put("generatorCpuSeconds", Math.round(cpuSeconds * 10) / 10.0);
      details.put("generatorCpuCores", Math.round(cpuSeconds / wallSeconds * 100) / 100.0);
      details.put("generatorJava", Runtime.version().toString());

      Report report = Report.of("risk-score", settings, outcome, details, load.sloP99);
      System.out.print(report.summary());
      System.out.printf("  generator   %.2f cores of CPU on this machine (%.1f s over %.0f s)%n",
          cpuSeconds / wallSeconds, cpuSeconds, wallSeconds);
      if (load.out != null) {
        report.write(load.out);
        System.out.println("  report      " + load.out);
      }
    }
    return 0;
  }

  private static long processCpuNanos() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
  }
}
