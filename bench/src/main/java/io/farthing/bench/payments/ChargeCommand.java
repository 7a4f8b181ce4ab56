package io.farthing.bench.payments;

import io.farthing.bench.load.DurationConverter;
import io.farthing.bench.load.LoadPlan;
import io.farthing.bench.load.LoadRunner;
import io.farthing.bench.load.ProcessCpu;
import io.farthing.bench.load.Report;
import io.farthing.bench.load.Target;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmarks payments-svc's CreateCharge over gRPC against running services: see
 * docs/benchmarks/payments-charge.md. Sets its population up through the public APIs, then runs
 * an open loop at each rate, a closed loop for the most it answers with every payer charged by
 * one merchant, and the same closed loop with every payer charged by a merchant of its own (is
 * there a row every charge of one merchant must update?). Writes one JSON report.
 */
@Command(
    name = "charge",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmark payments-svc's CreateCharge over gRPC: throughput, latency percentiles and",
      "refusals by reason. Needs auth-svc, risk-svc and payments-svc running (default: the",
      "ports of scripts/up) and the bootstrap administrator's login (FARTHING_ADMIN_EMAIL and",
      "FARTHING_ADMIN_PASSWORD, or --secrets). scripts/bench-payments runs it end to end."})
public class ChargeCommand implements Callable<Integer> {
  @Option(names = "--auth", defaultValue = "127.0.0.1:8101", description = "auth-svc host:port (default: ${DEFAULT-VALUE}).")
  String auth;

  @Option(names = "--payments", split = ",", defaultValue = "127.0.0.1:8102",
      description = "payments-svc host:port, comma-separated for several instances: calls are spread over all (default: ${DEFAULT-VALUE}).")
  List<String> payments;

  @Option(names = "--risk", defaultValue = "127.0.0.1:8103", description = "risk-svc host:port, for its admin API (default: ${DEFAULT-VALUE}).")
  String risk;

  @Option(names = "--secrets", description = "A secrets.env to read FARTHING_ADMIN_EMAIL / _PASSWORD from "
      + "(default: the environment, else .farthing/secrets.env if present).")
  Path secrets;

  @Option(names = "--users", defaultValue = "1000", description = "Paying users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--fund", defaultValue = "80000", description = "Minor units each user's wallet is topped up with (default: ${DEFAULT-VALUE}).")
  long fundMinor;

  @Option(names = "--setup-threads", defaultValue = "8", description = "Parallel callers during set-up (default: ${DEFAULT-VALUE}).")
  int setupThreads;

  @Option(names = "--prewarm", defaultValue = "60s", converter = DurationConverter.class,
      description = "Before the first run: a closed loop of --prewarm-callers for this long, not reported, so that three "
          + "cold JVMs compile their hot paths without being overloaded (0: none; default: ${DEFAULT-VALUE}).")
  Duration prewarm;

  @Option(names = "--prewarm-callers", defaultValue = "8", description = "Callers of the pre-warm loop (default: ${DEFAULT-VALUE}).")
  int prewarmCallers;

  @Option(names = "--rate", split = ",", defaultValue = "500,1000", description = "Open-loop rates, charges/s (default: ${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--warmup", defaultValue = "20s", converter = DurationConverter.class,
      description = "Open loop: warm-up before each measurement, the rate ramping up from a tenth (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
      description = "Open loop: measured time per rate (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--max-in-flight", defaultValue = "1024", description = "Open loop: most calls in flight (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--concurrency", defaultValue = "32", description = "Closed loop: callers (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--closed-warmup", defaultValue = "10s", converter = DurationConverter.class,
      description = "Closed loop: warm-up (default: ${DEFAULT-VALUE}).")
  Duration closedWarmup;

  @Option(names = "--closed-duration", defaultValue = "30s", converter = DurationConverter.class,
      description = "Closed loop: measured time (default: ${DEFAULT-VALUE}).")
  Duration closedDuration;

  @Option(names = "--no-closed", negatable = false, description = "Skip the closed loops (and the hot-row comparison).")
  boolean noClosed;

  @Option(names = "--no-own-merchants", negatable = false,
      description = "Skip the closed loop where each user pays its own merchant (saves a partner per user in set-up).")
  boolean noOwnMerchants;

  @Option(names = "--settle-max", defaultValue = "180s", converter = DurationConverter.class,
      description = "After each run, wait at most this long for the services to answer single charges again (default: ${DEFAULT-VALUE}).")
  Duration settleMax;

  @Option(names = "--deadline", defaultValue = "2s", converter = DurationConverter.class,
      description = "Per-call deadline; later counts as DEADLINE_EXCEEDED (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = "--channels", defaultValue = "2", description = "HTTP/2 connections per payments-svc (default: ${DEFAULT-VALUE}).")
  int channelsPerTarget;

  @Option(names = "--risk-policy", defaultValue = "allow-list",
      description = "allow-list: allow-list the bench merchants' category at risk-svc and disable its risk-budget rule for "
          + "the run (both undone at the end); as-is: leave risk-svc's rules alone (default: ${DEFAULT-VALUE}).")
  String riskPolicy;

  @Option(names = "--slo-p99", defaultValue = "50ms", converter = DurationConverter.class,
      description = "p99 each open loop is judged against (target: at 500/s) (default: ${DEFAULT-VALUE}).")
  Duration sloP99;

  @Option(names = "--target-throughput", defaultValue = "1000", description = "Charges/s to report against (default: ${DEFAULT-VALUE}).")
  double targetThroughput;

  @Option(names = "--cpu-watch", description = "Report the CPU of processes per run: name=PID or name=~TEXT (command line contains TEXT); repeatable.")
  List<String> cpuWatches = new ArrayList<>();

  @Option(names = "--clock-ticks", defaultValue = "100", description = "Kernel clock ticks per second (getconf CLK_TCK) (default: ${DEFAULT-VALUE}).")
  int clockTicks;

  @Option(names = "--alerts", description = "notify-svc's gRPC host:port: watch the alert streams of --alert-users payers"
      + " and report capture-to-alert per run.")
  String alertsTarget;

  @Option(names = "--alert-users", defaultValue = "200", description = "Payers whose alert streams are watched (default: ${DEFAULT-VALUE}).")
  int alertUsers;

  @Option(names = "--out", description = "Write the JSON report here.")
  Path out;

  @Option(names = "--workload", defaultValue = "charge",
      description = "charge: CreateCharge only (one shared merchant, and a merchant per payer for the hot-row run); "
          + "mix: charges, refunds, look-ups, transfers and top-ups in the --mix proportions, over --merchants "
          + "merchants (default: ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--mix", defaultValue = MixWeights.DEFAULT,
      description = "mix: op=weight,... of charge (gRPC CreateCharge), refund (gRPC RefundCharge of an earlier charge), "
          + "get-charge (gRPC GetCharge), transfer (REST POST /v1/transfers), topup (REST POST /v1/topups), "
          + "wallet (REST GET /v1/wallets) (default: ${DEFAULT-VALUE}).")
  String mix;

  @Option(names = "--merchants", defaultValue = "100", description = "mix: merchants charging the payers (default: ${DEFAULT-VALUE}).")
  int merchantCount;

  @Option(names = "--favourites", defaultValue = "3",
      description = "mix: merchants each payer consented to and is charged by, in turn (default: ${DEFAULT-VALUE}).")
  int favourites;

  @Option(names = "--chart-prefix",
      description = "Write each run's latency-over-time chart to PREFIX-<run>.svg (e.g. docs/benchmarks/payments-mix-1).")
  String chartPrefix;

  private static final String CATEGORY = "bench_load";
  private static final long CONSENT_MAX_MINOR = 1_000;
  private static final Duration TOKEN_REUSE = Duration.ofMinutes(8);
  private static final int SETTLED_IN_A_ROW = 5;

  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<java.util.UUID, Token> userTokens = new ConcurrentHashMap<>();
  private final MixTarget.ChargePool chargePool = new MixTarget.ChargePool();
  private MixWeights mixWeights;
  private java.net.http.HttpClient restClient;

  private record Token(String value, long fetchedAtNanos) {}

  private io.farthing.bench.notify.AlertWatch alerts;

  private record Run(String name, boolean ownMerchants, LoadPlan plan) {}

  @Override
  public Integer call() throws Exception {
    if (!riskPolicy.equals("allow-list") && !riskPolicy.equals("as-is")) {
      System.err.println("--risk-policy is allow-list or as-is, not " + riskPolicy);
      return 2;
    }
    if (!workload.equals("charge") && !workload.equals("mix")) {
      System.err.println("--workload is charge or mix, not " + workload);
      return 2;
    }
    if (mixed()) {
      try {
        mixWeights = MixWeights.parse(mix);
      } catch (IllegalArgumentException e) {
        System.err.println("--mix: " + e.getMessage());
        return 2;
      }
      if (merchantCount < 1 || favourites < 1 || users < 2) {
        System.err.println("--workload mix needs --merchants >= 1, --favourites >= 1 and --users >= 2");
        return 2;
      }
      restClient = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    }
    String[] admin = adminLogin();
    if (admin == null) {
      System.err.println("No administrator login: set FARTHING_ADMIN_EMAIL and FARTHING_ADMIN_PASSWORD, or --secrets FILE.");
      return 2;
    }
    String runId = UUID.randomUUID().toString().substring(0, 8);
    ChargeSetup setup = new ChargeSetup(url(auth), url(payments.getFirst()), url(risk), admin[0], admin[1], runId);
    List<Run> runs = plan();
    warnIfUnderfunded(runs);

    ChargeSetup.RiskChanges riskChanges = null;
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      if (riskPolicy.equals("allow-list")) {
        riskChanges = setup.applyRiskPolicy(CATEGORY);
        System.err.printf("risk-svc: merchants of category %s allow-listed (rule %s)%s; undone at the end%n",
            CATEGORY, riskChanges.allowRule(), riskChanges.disabledBudget() ? ", rule risk-budget disabled" : "");
      }
      System.err.printf("Setting up %,d users (run %s) through the public APIs...%n", users, runId);
      ChargeSetup.Population population = mixed()
          ? setup.population(users, false, merchantCount, favourites, fundMinor, CONSENT_MAX_MINOR, CATEGORY, setupThreads)
          : setup.population(users, !noClosed && !noOwnMerchants, fundMinor, CONSENT_MAX_MINOR, CATEGORY, setupThreads);
      System.err.printf("Set-up done in %s s%n", population.description().get("seconds"));

      for (String target : payments) {
        for (int i = 0; i < channelsPerTarget; i++) {
          channels.add(NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build());
        }
      }
      Charge probe = probe(setup, population, channels.getFirst(), runId);
      System.err.printf("probe: %s (fee %d, risk decision %s)%n", probe.getStatus(), probe.getFee().getAmountMinor(),
          probe.getRiskDecisionId().isEmpty() ? "none: fallback" : probe.getRiskDecisionId());

      if (alertsTarget != null) {
        Map<java.util.UUID, String> watched = new LinkedHashMap<>();
        population.payers().stream().limit(alertUsers).forEach(p -> watched.put(p.userId(), setup.login(p.email(), p.password())));
        alerts = io.farthing.bench.notify.AlertWatch.open(alertsTarget, watched);
        System.err.printf("watching the alert streams of %d users at %s%n", watched.size(), alertsTarget);
      }
      Map<String, Object> prewarmed = prewarm(setup, population, channels, runId);
      if (alerts != null) {
        prewarmed.put("captureToAlert", alerts.interval());
      }
      ProcessCpu cpu = new ProcessCpu(cpuWatches.stream().map(ProcessCpu.Watch::parse).toList(), clockTicks);
      List<Map<String, Object>> reports = new ArrayList<>();
      for (Run run : runs) {
        Map<String, Object> result;
        try {
          result = execute(run, setup, population, channels, runId, cpu);
        } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
          // The services did not even hand out tokens: say so in the report and go on.
          System.err.printf("Run %s could not start: %s%n", run.name(), e.getMessage());
          result = new LinkedHashMap<>();
          result.put("name", run.name());
          result.put("skipped", String.valueOf(e.getMessage()));
        }
        result.put("settle", settle(setup, population, channels.getFirst(), runId, run.name()));
        if (alerts != null) {
          // After the settle wait: the alerts of the run's last charges have arrived by then.
          result.put("captureToAlert", alerts.interval());
        }
        reports.add(result);
      }
      Map<String, Object> report = report(runId, population, riskChanges, reports);
      report.put("prewarm", prewarmed);
      System.out.print(table(reports));
      if (mixed()) {
        System.out.print(operationTable(reports));
      }
      if (out != null) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        JsonHttp.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
        System.out.println("report: " + out);
      }
      return 0;
    } finally {
      if (alerts != null) {
        alerts.close();
      }
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      if (riskChanges != null) {
        restoreRiskPolicy(setup, riskChanges);
      }
    }
  }

  /**
   * The closed loops first, then the open loops from the lowest rate up: a run that overloads the
   * services leaves them busy with work nobody waits for any more, and the runs after it would
   * measure that instead of what they are about (see {@link #settle}).
   */
  private static void restoreRiskPolicy(ChargeSetup setup, ChargeSetup.RiskChanges changes) {
    for (int attempt = 1; ; attempt++) {
      try {
        setup.restoreRiskPolicy(changes);
        System.err.println("risk-svc: rules restored");
        return;
      } catch (RuntimeException e) {
        if (attempt == 5) {
          System.err.println("Could not restore risk-svc's rules (" + e.getMessage() + "): check rule "
              + changes.allowRule() + " and risk-budget by hand");
          return;
        }
        sleepQuietly(10_000);
      }
    }
  }

  private boolean mixed() {
    return "mix".equals(workload);
  }

  private String benchmarkName() {
    return mixed() ? "payments-mix" : "payments-charge";
  }

  private List<Run> plan() {
    List<Run> runs = new ArrayList<>();
    if (mixed()) {
      // The mix has no hot-row comparison: one closed loop for the most it answers.
      if (!noClosed) {
        runs.add(new Run("closed-mix", false,
            new LoadPlan(0, concurrency, closedWarmup, closedDuration, deadline.plusSeconds(1))));
      }
      for (double rate : rates.stream().sorted().toList()) {
        runs.add(new Run(String.format(Locale.ROOT, "open-mix-%.0f", rate), false,
            new LoadPlan(rate, maxInFlight, warmup, duration, deadline.plusSeconds(1), true, Duration.ofSeconds(10))));
      }
      return runs;
    }
    if (!noClosed) {
      runs.add(new Run("closed-one-merchant", false,
          new LoadPlan(0, concurrency, closedWarmup, closedDuration, deadline.plusSeconds(1))));
      if (!noOwnMerchants) {
        runs.add(new Run("closed-own-merchants", true,
            new LoadPlan(0, concurrency, closedWarmup, closedDuration, deadline.plusSeconds(1))));
      }
    }
    for (double rate : rates.stream().sorted().toList()) {
      runs.add(new Run(String.format(Locale.ROOT, "open-%.0f", rate), false,
          new LoadPlan(rate, maxInFlight, warmup, duration, deadline.plusSeconds(1), true, Duration.ofSeconds(10))));
    }
    return runs;
  }

  /** Says so when the wallets would run dry before the last run (the charges would then be refused). */
  private void warnIfUnderfunded(List<Run> runs) {
    double calls = 0;
    for (Run run : runs) {
      double seconds = run.plan().warmup().toSeconds() + run.plan().duration().toSeconds();
      // A closed loop's rate is unknown beforehand: assume 1,500/s, above the target.
      calls += (run.plan().openLoop() ? run.plan().ratePerSecond() : 1_500) * seconds;
    }
    double perUser = calls / users * (ChargeTarget.MIN_AMOUNT_MINOR + ChargeTarget.AMOUNT_SPREAD_MINOR / 2.0);
    if (perUser > fundMinor) {
      System.err.printf("warning: the runs may spend up to %.0f minor units per user, more than --fund %d: "
          + "late charges would be refused (INSUFFICIENT_FUNDS). Raise --fund or --users.%n", perUser, fundMinor);
    }
  }

  private Charge probe(ChargeSetup setup, ChargeSetup.Population population, ManagedChannel channel, String runId) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token(setup, population.shared()));
    ChargeTarget target = new ChargeTarget(List.of(channel), population.payers(), false, p -> token(setup, p),
        population.shared(), "bench-" + runId + "-probe-", deadline.toNanos());
    try {
      return PaymentsGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .createCharge(target.request(0));
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("payments-svc refused the probe charge: " + e.getStatus()
          + " " + ChargeTarget.reason(e), e);
    }
  }

  /**
   * A gentle closed loop before the measured runs: the services' JIT compilers (and connection
   * pools, Redis scripts, the users' first payments) get their start without the overload that
   * an open loop at full rate puts on cold JVMs, which on two cores turns into late calls,
   * cancellations and connections closed by HTTP/2 rapid-reset protection before anything warms.
   */
  private Map<String, Object> prewarm(ChargeSetup setup, ChargeSetup.Population population,
      List<ManagedChannel> channels, String runId) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", prewarm.toSeconds());
    out.put("callers", prewarmCallers);
    if (prewarm.isZero()) {
      return out;
    }
    refreshTokens(setup, population, false);
    Target target = target(setup, population, channels, false, "bench-" + runId + "-prewarm-");
    System.err.printf("%nPre-warm: closed loop, %d callers, %d s (not reported)%n", prewarmCallers, prewarm.toSeconds());
    LoadRunner.Outcome outcome =
        new LoadRunner(new LoadPlan(0, prewarmCallers, Duration.ZERO, prewarm, deadline.plusSeconds(1)), target).run();
    long seconds = Math.max(1, prewarm.toSeconds());
    out.put("answeredPerSecond", Math.round(outcome.measured().ok() * 10.0 / seconds) / 10.0);
    out.put("outcomes", outcome.measured().outcomes());
    out.put("errorsByCode", outcome.measured().errors());
    System.err.printf("  %.1f/s answered, outcomes %s, errors %s%n", outcome.measured().ok() / (double) seconds,
        outcome.measured().outcomes(), outcome.measured().errors());
    return out;
  }

  /**
   * After a run: one charge at a time until {@link #SETTLED_IN_A_ROW} in a row are answered
   * within a second, for at most {@code --settle-max}. How long that took is how long the
   * services needed to recover from the run (they keep working on calls their callers gave up
   * on); the next run starts only then, or when the wait is over.
   */
  private Map<String, Object> settle(ChargeSetup setup, ChargeSetup.Population population, ManagedChannel channel,
      String runId, String after) {
    long started = System.nanoTime();
    long deadlineNanos = started + settleMax.toNanos();
    int inARow = 0;
    long attempts = 0;
    String last = null;
    while (inARow < SETTLED_IN_A_ROW && System.nanoTime() < deadlineNanos) {
      attempts++;
      long t0 = System.nanoTime();
      try {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
            "Bearer " + token(setup, population.shared()));
        ChargeTarget target = new ChargeTarget(List.of(channel), population.payers(), false, p -> token(setup, p),
            population.shared(), "bench-" + runId + "-settle-" + after + "-", deadline.toNanos());
        PaymentsGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(1, TimeUnit.SECONDS)
            .createCharge(target.request(attempts));
        inARow = System.nanoTime() - t0 < 1_000_000_000L ? inARow + 1 : 0;
        last = "OK";
      } catch (StatusRuntimeException e) {
        String reason = ChargeTarget.reason(e);
        // A refusal that answers in time (e.g. a challenge the fallback asked for) is an answer.
        boolean answered = e.getStatus().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION
            || e.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED;
        inARow = answered && System.nanoTime() - t0 < 1_000_000_000L ? inARow + 1 : 0;
        last = e.getStatus().getCode() + (reason == null ? "" : "/" + reason);
        sleepQuietly(answered ? 0 : 500);
      } catch (RuntimeException e) {
        inARow = 0;
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
        sleepQuietly(1000);
      }
    }
    double seconds = Math.round((System.nanoTime() - started) / 1e8) / 10.0;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("recovered", inARow >= SETTLED_IN_A_ROW);
    out.put("seconds", seconds);
    out.put("probes", attempts);
    out.put("lastAnswer", last);
    System.err.printf("  settle      %s after %.1f s (%d probe charges, last: %s)%n",
        inARow >= SETTLED_IN_A_ROW ? "answering again" : "STILL NOT ANSWERING", seconds, attempts, last);
    return out;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, Object> execute(Run run, ChargeSetup setup, ChargeSetup.Population population,
      List<ManagedChannel> channels, String runId, ProcessCpu cpu) throws Exception {
    refreshTokens(setup, population, run.ownMerchants());
    Target target = target(setup, population, channels, run.ownMerchants(), "bench-" + runId + "-" + run.name() + "-");
    System.err.printf("%nRun %s: %s%n", run.name(), describe(run.plan()));
    ProcessCpu.Snapshot cpuBefore = cpu.sample();
    String loadBefore = loadAverage();
    long generatorBefore = processCpuNanos();
    long wallBefore = System.nanoTime();
    LoadRunner.Outcome outcome = new LoadRunner(run.plan(), target).run();
    double generatorSeconds = (processCpuNanos() - generatorBefore) / 1e9;
    double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
    ProcessCpu.Snapshot cpuAfter = cpu.sample();

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("payments", payments);
    settings.put("channelsPerTarget", channelsPerTarget);
    settings.put("deadlineMillis", deadline.toMillis());
    settings.put("runId", runId);
    settings.put("workload", workload);
    Map<String, Object> details = new LinkedHashMap<>(target.details());
    details.put("generatorCpuSeconds", Math.round(generatorSeconds * 10) / 10.0);
    details.put("generatorCpuCores", Math.round(generatorSeconds / wallSeconds * 100) / 100.0);
    details.put("generatorJava", Runtime.version().toString());
    Report report = Report.of(benchmarkName(), settings, outcome, details, run.plan().openLoop() ? sloP99 : null);
    System.out.print(report.summary());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", run.name());
    fields.putAll(report.fields());
    // In the mix, a top-up or a charge read back can be SUCCEEDED too: count the charges made.
    io.farthing.bench.load.Results charges = mixed()
        ? outcome.measured().operations().getOrDefault(MixWeights.Op.CHARGE.label, new io.farthing.bench.load.Results())
        : outcome.measured();
    long succeeded = charges.outcomes().getOrDefault("SUCCEEDED", 0L);
    fields.put("succeededPerSecond", Math.round(succeeded / (outcome.measuredNanos() / 1e9) * 10) / 10.0);
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("before", loadBefore);
    load.put("after", loadAverage());
    load.put("note", "1, 5 and 15 min load averages of this shared machine (2 cores: above 2, work waits for a core)");
    fields.put("loadAverage", load);
    if (!cpu.isEmpty()) {
      Map<String, Object> processes = cpu.between(cpuBefore, cpuAfter);
      long calls = outcome.measured().ok() + outcome.measured().failed() + outcome.warmup().ok() + outcome.warmup().failed()
          - outcome.measured().errors().getOrDefault(LoadRunner.NOT_SENT, 0L)
          - outcome.warmup().errors().getOrDefault(LoadRunner.NOT_SENT, 0L);
      Map<String, Object> perCall = new LinkedHashMap<>();
      @SuppressWarnings("unchecked")
      Map<String, Object> seconds = (Map<String, Object>) processes.get("cpuSeconds");
      seconds.forEach((k, v) -> perCall.put(k, calls > 0 ? Math.round(((Number) v).doubleValue() * 1e6 / calls) : 0));
      processes.put("cpuMicrosPerCall", perCall);
      processes.put("note", "whole run, warm-up included, divided by every call sent in it");
      fields.put("processes", processes);
      System.out.printf("  CPU         %s cores over the run%n", processes.get("cpuCores"));
    }
    if (chartPrefix != null) {
      Path chart = Path.of(chartPrefix + "-" + run.name() + ".svg");
      Path parent = chart.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      String title = String.format(Locale.ROOT, "%s %s (%s)%n%s", benchmarkName(), run.name(), fields.get("startedAt"),
          describe(run.plan()));
      Files.writeString(chart, io.farthing.bench.load.LatencyChart.svg(title, fields));
      fields.put("chart", chart.getFileName().toString());
      System.out.println("  chart       " + chart);
    }
    return fields;
  }

  /** The target of one run: the mix, or CreateCharge alone. */
  private Target target(ChargeSetup setup, ChargeSetup.Population population, List<ManagedChannel> channels,
      boolean own, String keyPrefix) {
    if (mixed()) {
      return new MixTarget(mixWeights, channels, population, p -> token(setup, p), p -> userToken(setup, p),
          url(payments.getFirst()), restClient, chargePool, keyPrefix, deadline.toNanos());
    }
    return new ChargeTarget(channels, population.payers(), own, p -> token(setup, p), population.shared(), keyPrefix,
        deadline.toNanos());
  }

  /** A payer's access token, signed in again when older than {@link #TOKEN_REUSE} (tokens live 15 min). */
  private String userToken(ChargeSetup setup, ChargeSetup.Payer payer) {
    return userTokens.compute(payer.userId(), (id, old) ->
        old != null && System.nanoTime() - old.fetchedAtNanos() < TOKEN_REUSE.toNanos()
            ? old : new Token(setup.login(payer.email(), payer.password()), System.nanoTime())).value();
  }

  private void refreshTokens(ChargeSetup setup, ChargeSetup.Population population, boolean own) throws Exception {
    token(setup, population.shared());
    if (mixed()) {
      // Every token a run will use, fetched before it: a sign-in on the run's schedule would block it.
      ExecutorService pool = Executors.newFixedThreadPool(setupThreads);
      try {
        List<Future<String>> fetched = new ArrayList<>();
        for (ChargeSetup.Partner merchant : population.merchants()) {
          fetched.add(pool.submit(() -> token(setup, merchant)));
        }
        for (ChargeSetup.Payer payer : population.payers()) {
          fetched.add(pool.submit(() -> userToken(setup, payer)));
        }
        for (Future<String> f : fetched) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      return;
    }
    if (!own) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(setupThreads);
    try {
      List<Future<String>> fetched = new ArrayList<>();
      for (ChargeSetup.Payer payer : population.payers()) {
        fetched.add(pool.submit(() -> token(setup, payer.own())));
      }
      for (Future<String> f : fetched) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The partner's token, fetched again when older than {@link #TOKEN_REUSE} (tokens live 15 min). */
  private String token(ChargeSetup setup, ChargeSetup.Partner partner) {
    Token t = tokens.compute(partner.clientId(), (id, old) ->
        old != null && System.nanoTime() - old.fetchedAtNanos() < TOKEN_REUSE.toNanos()
            ? old : new Token(fetchToken(setup, partner), System.nanoTime()));
    return t.value();
  }

  /** A token, asked for up to three times: auth-svc may still be digging out of the last run. */
  private static String fetchToken(ChargeSetup setup, ChargeSetup.Partner partner) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return setup.token(partner);
      } catch (RuntimeException e) {
        last = e;
        sleepQuietly(2000);
      }
    }
    throw last;
  }

  private Map<String, Object> report(String runId, ChargeSetup.Population population,
      ChargeSetup.RiskChanges riskChanges, List<Map<String, Object>> runs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("benchmark", benchmarkName());
    r.put("workload", workload);
    if (mixed()) {
      r.put("mix", mixWeights.toString());
    }
    r.put("date", Instant.now().toString());
    r.put("runId", runId);
    Map<String, Object> targets = new LinkedHashMap<>();
    targets.put("auth", auth);
    targets.put("payments", payments);
    targets.put("risk", risk);
    r.put("services", targets);
    r.put("population", population.description());
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("mode", riskPolicy);
    if (riskChanges != null) {
      policy.put("allowListRule", riskChanges.allowRule());
      policy.put("riskBudgetDisabled", riskChanges.disabledBudget());
    }
    r.put("riskPolicy", policy);
    r.put("targets", judged(runs));
    Map<String, Object> oneMerchant = find(runs, "closed-one-merchant");
    Map<String, Object> ownMerchants = find(runs, "closed-own-merchants");
    if (oneMerchant != null && ownMerchants != null && !oneMerchant.containsKey("skipped")
        && !ownMerchants.containsKey("skipped")) {
      Map<String, Object> hotRow = new LinkedHashMap<>();
      double one = ((Number) oneMerchant.get("succeededPerSecond")).doubleValue();
      double own = ((Number) ownMerchants.get("succeededPerSecond")).doubleValue();
      hotRow.put("oneMerchantSucceededPerSecond", one);
      hotRow.put("ownMerchantsSucceededPerSecond", own);
      hotRow.put("oneOverOwn", own > 0 ? Math.round(one / own * 100) / 100.0 : null);
      hotRow.put("note", "same payers, same callers; only who is charged differs");
      r.put("hotRow", hotRow);
    }
    r.put("runs", runs);
    return r;
  }

  private Map<String, Object> judged(List<Map<String, Object>> runs) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("throughputPerSecond", targetThroughput);
    t.put("p99MillisAt500PerSecond", sloP99.toMillis());
    double best = 0;
    for (Map<String, Object> run : runs) {
      best = Math.max(best, ((Number) run.getOrDefault("succeededPerSecond", 0)).doubleValue());
    }
    t.put("bestSucceededPerSecond", best);
    Map<String, Object> open500 = find(runs, "open-500");
    if (open500 != null && open500.get("latencyMicros") != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> latency = (Map<String, Object>) open500.get("latencyMicros");
      t.put("p99MillisAt500", ((Number) latency.get("p99")).longValue() / 1000.0);
    }
    t.put("note", "reported against, not asserted");
    return t;
  }

  private static Map<String, Object> find(List<Map<String, Object>> runs, String name) {
    return runs.stream().filter(r -> name.equals(r.get("name"))).findFirst().orElse(null);
  }

  @SuppressWarnings("unchecked")
  static String table(List<Map<String, Object>> runs) {
    StringBuilder t = new StringBuilder("\n| run | answered/s | succeeded/s | p50 | p95 | p99 | max | errors | capture→alert p50 / p99 |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (Map<String, Object> run : runs) {
      if (run.containsKey("skipped")) {
        t.append("| ").append(run.get("name")).append(" | skipped: ").append(run.get("skipped")).append(" |\n");
        continue;
      }
      Map<String, Object> lat = (Map<String, Object>) run.get("latencyMicros");
      Map<String, Object> alert = (Map<String, Object>) run.get("captureToAlert");
      String alertCell = alert == null || ((Number) alert.get("chargeAlerts")).longValue() == 0
          ? "—"
          : String.format(Locale.ROOT, "%.1f / %.1f ms (%s alerts)", ((Number) alert.get("p50Millis")).doubleValue(),
              ((Number) alert.get("p99Millis")).doubleValue(), alert.get("chargeAlerts"));
      t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s | %s | %s | %s | %s |%n", run.get("name"),
          ((Number) run.get("throughputPerSecond")).doubleValue(), ((Number) run.get("succeededPerSecond")).doubleValue(),
          ms(lat.get("p50")), ms(lat.get("p95")), ms(lat.get("p99")), ms(lat.get("max")), run.get("errorsByCode"), alertCell));
    }
    return t.toString();
  }

  /** Per run and operation: share, answered/s, percentiles, errors. */
  @SuppressWarnings("unchecked")
  static String operationTable(List<Map<String, Object>> runs) {
    StringBuilder t = new StringBuilder("\n| run | operation | share | ok/s | p50 | p95 | p99 | p99.9 | errors |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Map<String, Object> run : runs) {
      Map<String, Object> ops = (Map<String, Object>) run.get("byOperation");
      if (ops == null) {
        continue;
      }
      ops.forEach((name, value) -> {
        Map<String, Object> o = (Map<String, Object>) value;
        Map<String, Object> lat = (Map<String, Object>) o.get("latencyMicros");
        t.append(String.format(Locale.ROOT, "| %s | %s | %.1f %% | %.1f | %s | %s | %s | %s | %s |%n", run.get("name"), name,
            ((Number) o.get("share")).doubleValue() * 100, ((Number) o.get("throughputPerSecond")).doubleValue(),
            ms(lat.get("p50")), ms(lat.get("p95")), ms(lat.get("p99")), ms(lat.get("p99.9")), o.get("errorsByCode")));
      });
    }
    return t.toString();
  }

  private static String ms(Object micros) {
    return String.format(Locale.ROOT, "%.1f ms", ((Number) micros).longValue() / 1e3);
  }

  private static String describe(LoadPlan plan) {
    return plan.openLoop()
        ? String.format(Locale.ROOT, "open loop at %.0f/s, %d s warm-up (ramped) + %d s measured, up to %d in flight",
            plan.ratePerSecond(), plan.warmup().toSeconds(), plan.duration().toSeconds(), plan.concurrency())
        : String.format(Locale.ROOT, "closed loop, %d callers, %d s warm-up + %d s measured", plan.concurrency(),
            plan.warmup().toSeconds(), plan.duration().toSeconds());
  }

  private static String url(String hostPort) {
    return hostPort.startsWith("http") ? hostPort : "http://" + hostPort;
  }

  /** [email, password] from the environment, --secrets, or .farthing/secrets.env; null if none. */
  private String[] adminLogin() throws IOException {
    String email = System.getenv("FARTHING_ADMIN_EMAIL");
    String password = System.getenv("FARTHING_ADMIN_PASSWORD");
    Path file = secrets != null ? secrets : Path.of(".farthing/secrets.env");
    if ((email == null || password == null) && Files.isReadable(file)) {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("FARTHING_ADMIN_EMAIL=") && email == null) {
          email = line.substring(line.indexOf('=') + 1).trim();
        } else if (line.startsWith("FARTHING_ADMIN_PASSWORD=") && password == null) {
          password = line.substring(line.indexOf('=') + 1).trim();
        }
      }
    }
    return email == null || password == null ? null : new String[] {email, password};
  }

  /** The machine's 1, 5 and 15 minute load averages ("" off Linux). */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
  }
}
