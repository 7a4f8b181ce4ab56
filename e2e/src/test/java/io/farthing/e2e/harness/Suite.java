package io.farthing.e2e.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The running suite: auth-svc, risk-svc, notify-svc and two payments-svc instances started from
 * their packaged jars on ports and databases of their own, with dev secrets generated for this run only
 * ({@code target/e2e/secrets.env}, never in git). Started once per test JVM and stopped when the
 * JVM ends (or by the JUnit store that owns it), so no test leaves a process behind.
 *
 * <p>Ports, databases and the Redis database can be moved with system properties
 * {@code farthing.e2e.port.auth} (38101), {@code .payments-a} (38102), {@code .payments-b}
 * (38112), {@code .risk} (38103), {@code .notify} (38104), {@code farthing.e2e.redis-db} (9);
 * databases are {@code farthing_<svc>} + {@code farthing.e2e.db-suffix} ({@code _e2e}), so two
 * runs side by side (two worktrees) need only different ports, suffix and Redis database.
 *
 * <p>That shared suite is {@link #get()}. A test that needs a platform of its own — other ports,
 * its own PostgreSQL or Redis, extra environment such as shorter back-offs — starts one with
 * {@link #start(Config)} and closes it itself (FaultsUnderLoadTest does).
 */
public final class Suite implements AutoCloseable {
  public static final String ADMIN_EMAIL = "admin-e2e@farthing.local";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The outbox relays' retry back-off cap in this suite (production: 30 s). */
  private static final String OUTBOX_MAX_BACKOFF = "2s";

  private static Suite running;
  private static String skipReason;

  private final Path root;
  private final Config config;
  private final Path work;
  private final String adminPassword;
  private final String paymentsClientSecret;
  private final ServiceProcess auth;
  private final ServiceProcess risk;
  private final ServiceProcess paymentsA;
  private final ServiceProcess paymentsB;
  private final ServiceProcess notify;
  private final Databases databases;
  private final List<ServiceProcess> all;
  private final Thread shutdownHook;
  private Platform platform;
  private volatile boolean closed;

  /**
   * The suite, started on first use. Returns null (with {@link #skipReason()}) when a service jar
   * is missing: the tests are then skipped, not failed.
   */
  public static synchronized Suite get() {
    if (running != null || skipReason != null) {
      return running;
    }
    Path root = root();
    skipReason = missingJars(root);
    if (skipReason != null) {
      System.err.println("[e2e] " + skipReason);
      return null;
    }
    running = startSuite(root, Config.fromSystemProperties(root));
    return running;
  }

  /**
   * A suite of the caller's own (not the shared one {@link #get()} returns), on the ports,
   * database server, Redis and extra environment of {@code config}; the caller closes it. Throws
   * {@link IllegalStateException} with {@link #missingJars} when a service jar is missing.
   */
  public static Suite start(Config config) {
    Path root = root();
    String missing = missingJars(root);
    if (missing != null) {
      throw new IllegalStateException(missing);
    }
    return startSuite(root, config);
  }

  /** The checkout's root ({@code farthing.root}, set by e2e/pom.xml). */
  public static Path root() {
    return Path.of(System.getProperty("farthing.root", "..")).toAbsolutePath().normalize();
  }

  /** Why the suite cannot start (a service jar is missing), or null. */
  public static String missingJars(Path root) {
    List<String> missing = new ArrayList<>();
    for (String svc : List.of("auth-svc", "risk-svc", "payments-svc", "notify-svc")) {
      Path jar = root.resolve(svc).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.isRegularFile(jar)) {
        missing.add(root.relativize(jar).toString());
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "end-to-end tests skipped: no packaged service at " + String.join(", ", missing)
        + " (run ./mvnw -B -ntp -DskipTests package first, or the whole ./mvnw verify)";
  }

  private static Suite startSuite(Path root, Config config) {
    Suite suite = new Suite(root, config);
    try {
      suite.start();
    } catch (RuntimeException | InterruptedException e) {
      suite.printLogTails("start-up failed");
      suite.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("the end-to-end suite could not start: " + e.getMessage(), e);
    }
    return suite;
  }

  public static String skipReason() {
    return skipReason;
  }

  private Suite(Path root, Config config) {
    this.root = root;
    this.config = config;
    this.work = config.work();
    this.adminPassword = randomToken(24);
    this.paymentsClientSecret = randomToken(40);
    int authPort = config.authPort();
    int riskPort = config.riskPort();
    int paymentsAPort = config.paymentsAPort();
    int paymentsBPort = config.paymentsBPort();
    int notifyPort = config.notifyPort();
    Db db = config.db();
    Redis redis = config.redis();
    this.databases = new Databases(config.dbSuffix(), db);

    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("FARTHING_DATA_KEYS", "1:" + base64(32));
    secrets.put("FARTHING_BLIND_INDEX_KEY", base64(32));
    secrets.put("FARTHING_ADMIN_EMAIL", ADMIN_EMAIL);
    secrets.put("FARTHING_ADMIN_PASSWORD", adminPassword);
    secrets.put("FARTHING_PAYMENTS_CLIENT_SECRET", paymentsClientSecret);
    // Signs payment requests (QR); both payments-svc instances must share it.
    secrets.put("FARTHING_PAYMENT_REQUEST_KEY", base64(32));
    // notify-svc's master key for partner webhook signing secrets at rest.
    secrets.put("FARTHING_WEBHOOK_KEYS", "1:" + base64(32));
    writeSecrets(secrets);

    String jwks = "http://127.0.0.1:" + authPort + "/.well-known/jwks.json";
    Map<String, String> common = new LinkedHashMap<>();
    common.put("FARTHING_LOG_JSON", "false");
    common.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    common.put("FARTHING_JWKS_URL", jwks);
    common.put("QUARKUS_REDIS_HOSTS", "redis://" + redis.host() + ":" + redis.port() + "/" + redis.db());
    // The database login of this suite's server (the URLs below name its host and port).
    common.put("FARTHING_DB_USER", db.user());
    if (!db.password().isEmpty()) {
      common.put("FARTHING_DB_PASSWORD", db.password());
    }

    Map<String, String> authEnv = new LinkedHashMap<>(common);
    authEnv.putAll(secrets);
    authEnv.putAll(db.urls(databases.name("auth")));
    authEnv.put("QUARKUS_HTTP_PORT", Integer.toString(authPort));
    // Every test calls from 127.0.0.1 and signs up users by the dozen: the per-IP limits and the
    // password KDF's production cost (neither is on a path these tests measure) are relaxed.
    authEnv.put("AUTH_RATE_LIMIT_LOGIN_PER_MINUTE", "100000");
    authEnv.put("AUTH_RATE_LIMIT_TOKEN_PER_MINUTE", "100000");
    authEnv.put("AUTH_PASSWORD_MEMORY_KIB", "1024");
    authEnv.put("AUTH_PASSWORD_ITERATIONS", "1");
    // Security alerts (new device, lock-out, failed step-up) go to this suite's notify-svc.
    authEnv.put("FARTHING_NOTIFY_HOST", "127.0.0.1");
    authEnv.put("FARTHING_NOTIFY_PORT", Integer.toString(notifyPort));
    authEnv.put("AUTH_OUTBOX_MAX_BACKOFF", OUTBOX_MAX_BACKOFF);

    Map<String, String> riskEnv = new LinkedHashMap<>(common);
    riskEnv.putAll(db.urls(databases.name("risk")));
    riskEnv.put("QUARKUS_HTTP_PORT", Integer.toString(riskPort));

    Map<String, String> paymentsEnv = new LinkedHashMap<>(common);
    paymentsEnv.putAll(db.urls(databases.name("payments")));
    paymentsEnv.put("FARTHING_PAYMENTS_CLIENT_SECRET", paymentsClientSecret);
    paymentsEnv.put("FARTHING_PAYMENT_REQUEST_KEY", secrets.get("FARTHING_PAYMENT_REQUEST_KEY"));
    paymentsEnv.put("FARTHING_AUTH_HOST", "127.0.0.1");
    paymentsEnv.put("FARTHING_AUTH_PORT", Integer.toString(authPort));
    paymentsEnv.put("FARTHING_RISK_HOST", "127.0.0.1");
    paymentsEnv.put("FARTHING_RISK_PORT", Integer.toString(riskPort));
    // The production deadline on risk-svc's Score is 60 ms, tuned for a service with cores of
    // its own; here four C1-compiled JVMs share two cores with the build, and a late answer is
    // the fallback policy (allow below 2.00, else CHALLENGE), not risk-svc's decision. The tests
    // are about risk-svc's real answer, so it gets a second; the fallback has its own tests.
    paymentsEnv.put("PAYMENTS_RISK_TIMEOUT", "1s");
    // Likewise auth-svc's consent check and user look-up (production: 2 s). A burst of 200 charges
    // on these cores takes auth-svc seconds, and a call cancelled at its deadline is an HTTP/2
    // RST_STREAM: past 200 of them in 30 s, auth-svc's rapid-reset protection closes the whole
    // connection (GOAWAY ENHANCE_YOUR_CALM) and fails every call on it. scripts/bench-payments
    // measures that with the production settings; these tests are about the money.
    paymentsEnv.put("PAYMENTS_AUTH_TIMEOUT", "10s");
    // Both instances' outbox relays publish to this suite's notify-svc. The tests stop notify-svc
    // for a while: a retry's back-off is capped lower than production's 30 s so that the backlog
    // is caught up within seconds of its return (the cap is the one thing that decides that).
    paymentsEnv.put("FARTHING_NOTIFY_HOST", "127.0.0.1");
    paymentsEnv.put("FARTHING_NOTIFY_PORT", Integer.toString(notifyPort));
    paymentsEnv.put("PAYMENTS_OUTBOX_MAX_BACKOFF", OUTBOX_MAX_BACKOFF);
    authEnv.putAll(config.extraEnv("auth-svc"));
    riskEnv.putAll(config.extraEnv("risk-svc"));
    paymentsEnv.putAll(config.extraEnv("payments-svc"));
    Map<String, String> paymentsAEnv = new LinkedHashMap<>(paymentsEnv);
    paymentsAEnv.put("QUARKUS_HTTP_PORT", Integer.toString(paymentsAPort));
    Map<String, String> paymentsBEnv = new LinkedHashMap<>(paymentsEnv);
    paymentsBEnv.put("QUARKUS_HTTP_PORT", Integer.toString(paymentsBPort));

    Map<String, String> notifyEnv = new LinkedHashMap<>(common);
    notifyEnv.putAll(db.urls(databases.name("notify")));
    notifyEnv.put("QUARKUS_HTTP_PORT", Integer.toString(notifyPort));
    notifyEnv.put("FARTHING_WEBHOOK_KEYS", secrets.get("FARTHING_WEBHOOK_KEYS"));
    // Partner webhooks go to receivers the tests run on 127.0.0.1 over plain http: production
    // refuses both (https only, no internal address); exactly loopback's first address is allowed.
    notifyEnv.put("NOTIFY_WEBHOOKS_ALLOW_HTTP", "true");
    notifyEnv.put("NOTIFY_WEBHOOKS_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    // Redis pub/sub ignores database numbers: a channel of this suite's own keeps two suites on
    // one Redis (two worktrees, a benchmark beside the tests) from seeing each other's alerts.
    notifyEnv.put("NOTIFY_ALERTS_LIVE_REDIS_CHANNEL", "farthing:notify:alerts:e2e:" + notifyPort);
    notifyEnv.putAll(config.extraEnv("notify-svc"));

    // Two cores run four JVMs here: C1 only and the serial collector start them in about half
    // the CPU; nothing in this suite measures steady-state speed.
    List<String> flags = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m"));
    String extra = config.jvmOpts().trim();
    if (!extra.isEmpty()) {
      flags.addAll(List.of(extra.split("\\s+")));
    }
    auth = new ServiceProcess("auth-svc", app("auth-svc"), authPort, authEnv, flags, work);
    risk = new ServiceProcess("risk-svc", app("risk-svc"), riskPort, riskEnv, flags, work);
    paymentsA = new ServiceProcess("payments-svc-a", app("payments-svc"), paymentsAPort, paymentsAEnv, flags, work);
    paymentsB = new ServiceProcess("payments-svc-b", app("payments-svc"), paymentsBPort, paymentsBEnv, flags, work);
    notify = new ServiceProcess("notify-svc", app("notify-svc"), notifyPort, notifyEnv, flags, work);
    all = List.of(auth, risk, paymentsA, paymentsB, notify);
    shutdownHook = new Thread(() -> all.forEach(ServiceProcess::kill), "e2e-stop-services");
  }

  private Path app(String svc) {
    return root.resolve(svc).resolve("target/quarkus-app");
  }

  private void start() throws InterruptedException {
    for (ServiceProcess s : all) {
      if (portTaken(s.port())) {
        throw new IllegalStateException("port " + s.port() + " (for " + s.name() + ") is taken by another process: "
            + "stop it, or move the suite with -Dfarthing.e2e.port.<svc>=...");
      }
    }
    long started = System.nanoTime();
    config.db().recreate(databases.name("auth"), databases.name("risk"), databases.name("payments"), databases.name("notify"));
    config.redis().flushDb();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    // All five at once: on two cores the start-up is CPU-bound either way, and starting together
    // overlaps what each waits for. The two payments-svc instances migrate one database; Flyway's
    // lock makes the second wait for the first.
    for (ServiceProcess s : all) {
      s.start();
    }
    for (ServiceProcess s : all) {
      s.awaitReady(config.readyTimeout());
    }
    System.out.printf("[e2e] suite ready in %.1f s (logs in %s)%n", (System.nanoTime() - started) / 1e9,
        work.resolve("logs"));
  }

  public Config config() {
    return config;
  }

  public ServiceProcess auth() {
    return auth;
  }

  public ServiceProcess risk() {
    return risk;
  }

  public ServiceProcess notifySvc() {
    return notify;
  }

  /** Each service's database, for assertions the public APIs cannot make (what notify-svc stored). */
  public Databases databases() {
    return databases;
  }

  /** The two payments-svc instances, which share one database. */
  public List<ServiceProcess> payments() {
    return List.of(paymentsA, paymentsB);
  }

  /** The public APIs of this suite, with channels that live as long as it does. */
  public synchronized Platform platform() {
    if (platform == null) {
      platform = new Platform(this);
    }
    return platform;
  }

  public String adminEmail() {
    return ADMIN_EMAIL;
  }

  public String adminPassword() {
    return adminPassword;
  }

  /**
   * Prints the end of every service's log (on a failure), and which of them has exited. After the
   * first failure, only what each log gained since is printed (still at most 40 lines a service).
   */
  public synchronized void printLogTails(String why) {
    StringBuilder out = new StringBuilder();
    out.append("\n[e2e] ===== ").append(why).append(": the last lines of each service's log =====\n");
    for (ServiceProcess s : all) {
      out.append("----- ").append(s.name()).append(" (port ").append(s.port()).append(", ")
          .append(s.alive() ? "running" : "not running").append(", ").append(s.log()).append(") -----\n")
          .append(s.newTail(40)).append('\n');
    }
    System.err.print(out);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (platform != null) {
      platform.close();
    }
    ExecutorService stopper = Executors.newFixedThreadPool(all.size());
    try {
      List<Future<?>> stops = new ArrayList<>();
      for (ServiceProcess s : all) {
        stops.add(stopper.submit(s::stop));
      }
      for (Future<?> f : stops) {
        try {
          f.get();
        } catch (Exception e) {
          System.err.println("[e2e] stopping a service failed: " + e);
        }
      }
    } finally {
      stopper.shutdownNow();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
    System.out.println("[e2e] services stopped");
  }

  private void writeSecrets(Map<String, String> secrets) {
    try {
      Files.createDirectories(work);
      Path file = work.resolve("secrets.env");
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      StringBuilder text = new StringBuilder("# Dev secrets of one e2e run (" + Instant.now() + "); not in git.\n");
      secrets.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  public static String randomToken(int length) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** Whether something listens on 127.0.0.1:{@code port}. */
  public static boolean portTaken(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException free) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /**
   * Where a suite runs: its work directory (logs, pid files, secrets), its five ports, its
   * PostgreSQL server and database suffix, its Redis and database number, extra environment per
   * service ({@code auth-svc}, {@code risk-svc}, {@code payments-svc} — both instances —,
   * {@code notify-svc}; applied last, so it can override this class's test settings), extra JVM
   * flags and the start-up bound. {@link #fromSystemProperties} is the shared suite's.
   */
  public record Config(
      Path work,
      int authPort,
      int riskPort,
      int paymentsAPort,
      int paymentsBPort,
      int notifyPort,
      Db db,
      String dbSuffix,
      Redis redis,
      Map<String, Map<String, String>> extraEnv,
      String jvmOpts,
      Duration readyTimeout) {

    public Config {
      extraEnv = Map.copyOf(extraEnv);
    }

    /** The shared suite's: {@code farthing.e2e.*} system properties, lib.sh's PostgreSQL and Redis. */
    public static Config fromSystemProperties(Path root) {
      return new Config(
          Path.of(System.getProperty("farthing.e2e.work", root.resolve("e2e/target/e2e").toString())),
          Integer.getInteger("farthing.e2e.port.auth", 38101),
          Integer.getInteger("farthing.e2e.port.risk", 38103),
          Integer.getInteger("farthing.e2e.port.payments-a", 38102),
          Integer.getInteger("farthing.e2e.port.payments-b", 38112),
          Integer.getInteger("farthing.e2e.port.notify", 38104),
          Db.fromEnv(),
          System.getProperty("farthing.e2e.db-suffix", "_e2e"),
          Redis.fromEnv(Integer.getInteger("farthing.e2e.redis-db", 9)),
          Map.of(),
          System.getProperty("farthing.e2e.jvm-opts", ""),
          Duration.ofSeconds(Long.getLong("farthing.e2e.ready-timeout-seconds", 240)));
    }

    /** The extra environment of {@code service} (empty when none). */
    public Map<String, String> extraEnv(String service) {
      return extraEnv.getOrDefault(service, Map.of());
    }
  }

  /** A PostgreSQL server and the login the suite uses on it (lib.sh's {@code FARTHING_DB_*} for the shared one). */
  public record Db(String host, int port, String user, String password) {
    public static Db fromEnv() {
      return new Db(env("FARTHING_DB_HOST", "127.0.0.1"), Integer.parseInt(env("FARTHING_DB_PORT", "5432")),
          env("FARTHING_DB_USER", "postgres"), env("FARTHING_DB_PASSWORD", ""));
    }

    Map<String, String> urls(String database) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + host + ":" + port + "/" + database);
      env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + host + ":" + port + "/" + database);
      return env;
    }

    public String jdbcUrl(String database) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A new JDBC connection to {@code database} on this server. */
    public Connection connect(String database) throws java.sql.SQLException {
      Properties login = new Properties();
      login.setProperty("user", user);
      if (!password.isEmpty()) {
        login.setProperty("password", password);
      }
      login.setProperty("connectTimeout", "5");
      return DriverManager.getConnection(jdbcUrl(database), login);
    }

    /** Each run starts from empty databases: nothing of an earlier run (or its keys) lingers. */
    void recreate(String... databases) {
      try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
        s.execute("set client_min_messages = warning");
        for (String db : databases) {
          s.execute("drop database if exists " + db + " with (force)");
          s.execute("create database " + db);
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot (re)create the e2e databases at " + host + ":" + port + " as " + user
            + ": " + e.getMessage(), e);
      }
    }
  }

  /** A Redis server and the database number auth-svc, risk-svc and notify-svc use on it. */
  public record Redis(String host, int port, int db) {
    public static Redis fromEnv(int db) {
      return new Redis(env("FARTHING_REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("FARTHING_REDIS_PORT", "6379")), db);
    }

    void flushDb() {
      String select = Integer.toString(db);
      String replies = command(2, "*2\r\n$6\r\nSELECT\r\n$" + select.length() + "\r\n" + select + "\r\n*1\r\n$7\r\nFLUSHDB\r\n");
      if (!replies.equals("+OK\r\n+OK\r\n")) {
        throw new IllegalStateException("Redis refused SELECT/FLUSHDB: " + replies.strip());
      }
    }

    /** Sends raw RESP {@code commands} and returns the first {@code replies} reply lines. */
    public String command(int replies, String commands) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(commands.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readLines(socket.getInputStream(), replies);
      } catch (IOException e) {
        throw new IllegalStateException("Redis at " + host + ":" + port + " does not answer: " + e.getMessage(), e);
      }
    }

    private static String readLines(InputStream in, int lines) throws IOException {
      StringBuilder out = new StringBuilder();
      int seen = 0;
      while (seen < lines) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.append((char) b);
        if (b == '\n') {
          seen++;
        }
      }
      return out.toString();
    }
  }
}
