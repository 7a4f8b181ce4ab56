package io.farthing.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code java -jar …/target/quarkus-app/quarkus-run.jar}) run as a child
 * process of the test JVM: its own port, environment and log file, a pid file so that a later run
 * can stop it if this JVM was killed before it could, and a bounded stop (SIGTERM, then SIGKILL).
 */
public final class ServiceProcess {
  /** Every child carries this system property, so a stale one is recognised by its command line. */
  static final String MARKER = "-Dfarthing.e2e.service=";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
  private static final Duration STOP_GRACE = Duration.ofSeconds(25);

  private final String name;
  private final Path app;
  private final int port;
  private final Map<String, String> env;
  private final List<String> jvmFlags;
  private final Path log;
  private final Path pidFile;
  private Process process;
  private long startedAtNanos;

  ServiceProcess(String name, Path app, int port, Map<String, String> env, List<String> jvmFlags, Path workDir) {
    this.name = name;
    this.app = app;
    this.port = port;
    this.env = Map.copyOf(env);
    this.jvmFlags = List.copyOf(jvmFlags);
    this.log = workDir.resolve("logs").resolve(name + ".log");
    this.pidFile = workDir.resolve("run").resolve(name + ".pid");
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** Starts the JVM; returns at once (see {@link #awaitReady}). */
  void start() {
    try {
      Files.createDirectories(log.getParent());
      if (process == null) {
        // A run's first start begins a fresh log; a restart (after a kill) appends to it.
        Files.deleteIfExists(log);
      }
      Files.createDirectories(pidFile.getParent());
      stopStale(pidFile);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add(MARKER + name);
      command.addAll(jvmFlags);
      command.add("-jar");
      command.add(app.resolve("quarkus-run.jar").toString());
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(app.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Map<String, String> childEnv = builder.environment();
      // Nothing from the developer's shell may point a service elsewhere: only the database login
      // (FARTHING_DB_*) and what this harness sets reach the child.
      childEnv.keySet().removeIf(k -> (k.startsWith("FARTHING_") && !k.startsWith("FARTHING_DB_"))
          || k.startsWith("QUARKUS_") || k.startsWith("AUTH_") || k.startsWith("RISK_") || k.startsWith("PAYMENTS_")
          || k.startsWith("NOTIFY_"));
      childEnv.putAll(env);
      startedAtNanos = System.nanoTime();
      process = builder.start();
      Files.writeString(pidFile, Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** Waits until {@code /q/health/ready} answers 200; fails at once if the process exits. */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before it was ready; last lines of " + log + ":\n" + tail(60));
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          System.out.printf("[e2e] %s ready on port %d after %.1f s%n", name, port,
              (System.nanoTime() - startedAtNanos) / 1e9);
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; last lines of "
        + log + ":\n" + tail(60));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then SIGKILL after the grace period; removes the pid file. Safe to call twice. */
  void stop() {
    if (process == null) {
      return;
    }
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
          System.err.printf("[e2e] %s did not stop within %d s: SIGKILL%n", name, STOP_GRACE.toSeconds());
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException ignored) {
        // the next run checks the pid's command line before acting on it
      }
    }
  }

  /** {@code kill -9}: the process gets no chance to finish anything (a crash, an OOM kill). */
  public void killHard() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not die on SIGKILL");
      }
    }
  }

  /** A graceful stop (SIGTERM; SIGKILL after the grace period), as a rolling update does. */
  public void stopGracefully() {
    stop();
  }

  /** Starts the service again (after a kill or a stop) and waits until it is ready. */
  public void restart(Duration readyTimeout) throws InterruptedException {
    if (alive()) {
      throw new IllegalStateException(name + " is still running");
    }
    start();
    awaitReady(readyTimeout);
  }

  /** For a JVM shutdown hook: no waiting beyond a short grace. */
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }

  private int linesShown;

  /** The last {@code lines} lines of the log that no earlier call of this method showed. */
  synchronized String newTail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      int from = Math.max(linesShown, all.size() - lines);
      String skipped = from > linesShown ? "(" + (from - linesShown) + " earlier lines in the file)\n" : "";
      String text = from >= all.size() ? "(nothing new)" : skipped + String.join("\n", all.subList(from, all.size()));
      linesShown = all.size();
      return text;
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** The last {@code lines} lines of the service's log. */
  public String tail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * A child left by an earlier run whose JVM was killed (SIGKILL skips shutdown hooks): stopped if
   * its pid still runs a process carrying this harness's marker, left alone otherwise.
   */
  private void stopStale(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    String text = Files.readString(file).trim();
    Files.deleteIfExists(file);
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> stale = ProcessHandle.of(pid);
    if (stale.isEmpty()) {
      return;
    }
    String commandLine = stale.get().info().commandLine().orElse("");
    if (!commandLine.contains(MARKER + name) || !commandLine.contains("quarkus-run.jar")) {
      return;
    }
    System.err.printf("[e2e] stopping %s (pid %d) left by an earlier run%n", name, pid);
    stale.get().destroy();
    try {
      stale.get().onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      stale.get().destroyForcibly();
    }
  }
}
