package io.farthing.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own (127.0.0.1, no persistence: {@code --save "" --appendonly no}),
 * so that a test can flush and restart it without touching the Redis other tests and people use.
 * Its pid file lets the next run stop one left by a crashed JVM.
 */
public final class LocalRedis implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Path pidFile;
  private final Path log;
  private Process process;

  public LocalRedis(Path dir, int port) {
    this.dir = dir.toAbsolutePath();
    this.port = port;
    this.pidFile = this.dir.resolve("redis.pid");
    this.log = this.dir.resolve("redis.log");
  }

  public int port() {
    return port;
  }

  /** The endpoint services use (database {@code db}). */
  public Suite.Redis endpoint(int db) {
    return new Suite.Redis("127.0.0.1", port, db);
  }

  public void start() throws InterruptedException {
    stopLeftover();
    if (process == null && Suite.portTaken(port)) {
      throw new IllegalStateException("port " + port + " for the test's own Redis is taken by another process");
    }
    try {
      Files.createDirectories(dir);
      process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
              "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"))
          .directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      Files.writeString(pidFile, Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start redis-server", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue() + " (see " + log + ")");
      }
      try {
        if (endpoint(0).command(1, "*1\r\n$4\r\nPING\r\n").startsWith("+PONG")) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not answer PING within 20 s");
  }

  /** FLUSHALL: every key of every database gone, as after a Redis that lost its memory. */
  public void flushAll() {
    String reply = endpoint(0).command(1, "*1\r\n$8\r\nFLUSHALL\r\n");
    if (!reply.startsWith("+OK")) {
      throw new IllegalStateException("FLUSHALL answered " + reply.strip());
    }
  }

  /** Stops the server (SIGTERM; no persistence, so nothing survives) and starts a new one. */
  public void restart() throws InterruptedException {
    stop();
    start();
  }

  private void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // the next start checks the pid's command line before acting on it
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void stopLeftover() {
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Files.deleteIfExists(pidFile);
      if (process != null && process.pid() == pid) {
        return;
      }
      Optional<ProcessHandle> leftover = ProcessHandle.of(pid);
      if (leftover.isPresent() && leftover.get().info().commandLine().orElse("").contains("redis-server")) {
        System.err.printf("[e2e] stopping the redis-server (pid %d) left by an earlier run%n", pid);
        leftover.get().destroy();
        try {
          leftover.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          leftover.get().destroyForcibly();
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[e2e] could not read " + pidFile + ": " + e.getMessage());
    }
  }
}
