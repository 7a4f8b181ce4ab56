package io.farthing.e2e.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A partner's webhook endpoint on 127.0.0.1: verifies each POST's Standard Webhooks signature
 * ({@code webhook-signature} = {@code v1,<base64 HMAC-SHA256>} over
 * {@code <webhook-id>.<webhook-timestamp>.<body>} with the {@code whsec_} secret) and records the
 * webhook ids it accepted (204) and how many it refused (400, bad signature). It can be taken
 * down (the port refuses connections) and brought back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
  private final int port;
  private final Set<String> validIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong valid = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final AtomicLong lastHitNanos = new AtomicLong();
  private volatile byte[] secret;
  private HttpServer server;

  public WebhookReceiver(int port) {
    this.port = port;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks/farthing";
  }

  /** The endpoint's signing secret, as CreateEndpoint returned it ({@code whsec_…}). */
  public void secret(String whsec) {
    this.secret = Base64.getDecoder().decode(whsec.substring(whsec.indexOf('_') + 1));
  }

  public synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    s.createContext("/", this::handle);
    s.setExecutor(Executors.newFixedThreadPool(4));
    s.start();
    server = s;
  }

  public synchronized void down() {
    if (server != null) {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
      server = null;
    }
  }

  public Set<String> validIds() {
    return Set.copyOf(validIds);
  }

  public long validRequests() {
    return valid.get();
  }

  public long invalidRequests() {
    return invalid.get();
  }

  /** System.nanoTime() of the last accepted request (0: none yet). */
  public long lastHitNanos() {
    return lastHitNanos.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
      String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
      boolean ok = "POST".equals(exchange.getRequestMethod()) && id != null && ts != null && signatures != null
          && verifies(id, ts, body, signatures) && fresh(ts);
      if (ok) {
        validIds.add(id);
        valid.incrementAndGet();
        lastHitNanos.set(System.nanoTime());
        exchange.sendResponseHeaders(204, -1);
      } else {
        invalid.incrementAndGet();
        exchange.sendResponseHeaders(400, -1);
      }
    }
  }

  private boolean verifies(String id, String ts, byte[] body, String signatures) {
    byte[] key = secret;
    if (key == null) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      expected = mac.doFinal(body);
    } catch (Exception e) {
      return false;
    }
    for (String entry : signatures.trim().split(" ")) {
      if (entry.startsWith("v1,")) {
        try {
          if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
            return true;
          }
        } catch (IllegalArgumentException notBase64) {
          // another entry may still match
        }
      }
    }
    return false;
  }

  /** Standard Webhooks: reject timestamps more than 5 minutes away from now. */
  private static boolean fresh(String ts) {
    try {
      return Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(ts)) <= 300;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void close() {
    down();
  }
}
