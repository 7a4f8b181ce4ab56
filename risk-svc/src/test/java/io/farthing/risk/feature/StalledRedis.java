package io.farthing.risk.feature;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A "Redis" that accepts connections and never answers a byte: the stalled server that a
 * timeout, not a connection error, must cut short. The app's Redis client is pointed at it.
 */
public class StalledRedis implements QuarkusTestResourceLifecycleManager {
  private ServerSocket server;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  @Override
  public Map<String, String> start() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptForever, "stalled-redis");
    acceptor.setDaemon(true);
    acceptor.start();
    String url = "redis://127.0.0.1:" + server.getLocalPort();
    return Map.of(
        "quarkus.redis.hosts", url,
        "%test.quarkus.redis.hosts", url,
        // The production budget: the degraded answer must come well inside a caller's deadline.
        "risk.features.timeout", "25ms",
        "%test.risk.features.timeout", "25ms");
  }

  private void acceptForever() {
    while (!server.isClosed()) {
      try {
        held.add(server.accept());
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void stop() {
    try {
      server.close();
      for (Socket socket : held) {
        socket.close();
      }
    } catch (IOException ignored) {
      // the test is over
    }
  }
}
