package io.farthing.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A test resource standing for the cluster DNS of the k8s profile's Stork DNS discovery: a
 * {@link FakeDns} whose every listed name (init arg {@code names}, comma-separated) answers with the
 * test app's address 127.0.0.1, and each Stork service of init arg {@code clients} pointed at it
 * ({@code quarkus.stork.<client>.service-discovery.dns-servers}, the one test-only key: in a pod
 * Stork asks the resolver of /etc/resolv.conf).
 */
public class ClusterDns implements QuarkusTestResourceLifecycleManager {
  private final Map<String, String> args = new HashMap<>();
  private FakeDns dns;

  @Override
  public void init(Map<String, String> initArgs) {
    args.putAll(initArgs);
  }

  @Override
  public Map<String, String> start() {
    int port = freePort();
    try {
      dns = new FakeDns(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String name : args.getOrDefault("names", "").split(",")) {
      dns.answer(name.trim(), "127.0.0.1");
    }
    Map<String, String> config = new HashMap<>();
    for (String client : args.getOrDefault("clients", "").split(",")) {
      config.put("quarkus.stork." + client.trim() + ".service-discovery.dns-servers", "127.0.0.1:" + port);
    }
    return config;
  }

  @Override
  public void stop() {
    try {
      dns.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
