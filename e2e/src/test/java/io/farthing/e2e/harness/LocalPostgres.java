package io.farthing.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own ({@code initdb} into {@code dir/data}, trust login for
 * {@code postgres} on 127.0.0.1 only), so that a test can restart it without touching the server
 * other tests and people use. PostgreSQL refuses to run as root: when this JVM is root, every
 * PostgreSQL command runs as the {@code postgres} user ({@code runuser -u postgres --}) on a
 * directory it owns. A cluster left running by a crashed earlier run is found by its
 * {@code postmaster.pid} and stopped before the directory is wiped.
 */
public final class LocalPostgres implements AutoCloseable {
  private final Path dir;
  private final Path data;
  private final Path log;
  private final Path bin;
  private final int port;
  private final boolean root;

  public LocalPostgres(Path dir, int port) {
    this.dir = dir.toAbsolutePath();
    this.data = this.dir.resolve("data");
    this.log = this.dir.resolve("postgres.log");
    this.bin = Path.of(System.getProperty("farthing.e2e.pg-bin", "/usr/lib/postgresql/15/bin"));
    this.port = port;
    this.root = uid() == 0;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** The login services and checks use on this cluster. */
  public Suite.Db login() {
    return new Suite.Db("127.0.0.1", port, "postgres", "");
  }

  /** A fresh cluster: a leftover one is stopped, the directory wiped, initdb, then started. */
  public void start() throws InterruptedException {
    if (!Files.isExecutable(bin.resolve("initdb"))) {
      throw new IllegalStateException("no PostgreSQL binaries at " + bin + " (set -Dfarthing.e2e.pg-bin)");
    }
    stopLeftover();
    if (Suite.portTaken(port)) {
      throw new IllegalStateException("port " + port + " for the test's own PostgreSQL is taken by another process");
    }
    try {
      wipe(dir);
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--no-sync"), true);
    // fsync off: a restart kills only processes, never the OS, so the WAL in the page cache is
    // enough for crash recovery, and the two shared cores are not spent on flushes.
    String options = "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c max_connections=300"
        + " -c fsync=off -c shared_buffers=64MB";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
        "-o", options, "start"), true);
  }

  /**
   * {@code pg_ctl restart -m <mode>}: {@code immediate} is a crash (every backend killed, WAL
   * recovery at start), {@code fast} a clean shutdown that aborts open transactions.
   */
  public void restart(String mode) throws InterruptedException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-m", mode, "-w",
        "-t", "60", "restart"), true);
  }

  @Override
  public void close() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop"),
            true);
      }
    } catch (RuntimeException | InterruptedException e) {
      System.err.println("[e2e] stopping the test's PostgreSQL failed: " + e.getMessage());
      stopLeftover();
    }
  }

  /** A postmaster of an earlier run (its pid file still there and the process a postgres). */
  private void stopLeftover() {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      long pid = Long.parseLong(lines.get(0).trim());
      Optional<ProcessHandle> leftover = ProcessHandle.of(pid);
      if (leftover.isPresent() && leftover.get().info().command().orElse("").contains("postgres")) {
        System.err.printf("[e2e] stopping the PostgreSQL (pid %d) left by an earlier run%n", pid);
        leftover.get().destroy();
        try {
          leftover.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          leftover.get().destroyForcibly();
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[e2e] could not read " + pidFile + ": " + e.getMessage());
    }
  }

  private void run(List<String> command, boolean asPostgres) throws InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres && root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Path out = dir.resolve("commands.log");
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        throw new IllegalStateException(String.join(" ", full) + " exited " + p.exitValue() + ":\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + full, e);
    }
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }
}
