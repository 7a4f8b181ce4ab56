package io.farthing.bench.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A partner's webhook receiver for the benchmark, on loopback: verifies every delivery's
 * Standard Webhooks signature itself (written from the spec, not notify-svc's signer), answers 204,
 * and records per event the time from its publication ({@code data.benchPublishedAtMicros}, set
 * by {@link PublishTarget}) to its arrival. Digest deliveries count each event they carry.
 * A repeated {@code webhook-id} (at-least-once delivery) is counted as a duplicate, not again.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A delivery older (or newer) than this is refused, as the spec's receivers do. */
  static final long TOLERANCE_SECONDS = 300;

  private final HttpServer server;
  private final ExecutorService workers;
  private volatile byte[] secret;
  private final Histogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<Long, LongAdder> eventsBySecond = new ConcurrentHashMap<>();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unmeasured = new AtomicLong();

  private WebhookReceiver(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0: any free port). Until {@link #trust} names the
   * endpoint's secret (known once the endpoint is registered at this URL), every delivery is refused.
   */
  public static WebhookReceiver start(int port, int threads) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    WebhookReceiver receiver = new WebhookReceiver(server, workers);
    server.createContext("/hook", receiver::handle);
    server.setExecutor(workers);
    server.start();
    return receiver;
  }

  /** The endpoint's signing secret ({@code whsec_<base64>}) deliveries must be signed with. */
  public void trust(String signingSecret) {
    this.secret = secretBytes(signingSecret);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The bytes a {@code whsec_<base64>} secret stands for. */
  static byte[] secretBytes(String signingSecret) {
    String encoded = signingSecret.startsWith("whsec_") ? signingSecret.substring("whsec_".length()) : signingSecret;
    return Base64.getDecoder().decode(encoded);
  }

  /** True when one of the {@code v1,} signatures is HMAC-SHA256(secret, "id.timestamp.body"). */
  static boolean verified(byte[] secret, String id, String timestamp, byte[] body, String signatures, Instant now) {
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    long at;
    try {
      at = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - at) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      expected = mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
    for (String signature : signatures.trim().split(" +")) {
      int comma = signature.indexOf(',');
      if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(signature.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      long arrivedMicros = nowMicros();
      var headers = exchange.getRequestHeaders();
      String id = headers.getFirst("webhook-id");
      byte[] key = secret;
      if (key == null || !verified(key, id, headers.getFirst("webhook-timestamp"), body, headers.getFirst("webhook-signature"), Instant.now())) {
        refused.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      deliveries.incrementAndGet();
      if (!seen.add(id)) {
        duplicates.incrementAndGet();
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      JsonNode payload = JSON.readTree(body);
      if (payload.path("events").isArray()) {
        for (JsonNode event : payload.path("events")) {
          record(event, arrivedMicros);
        }
      } else {
        record(payload, arrivedMicros);
      }
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void record(JsonNode event, long arrivedMicros) {
    events.incrementAndGet();
    eventsBySecond.computeIfAbsent(arrivedMicros / 1_000_000, s -> new LongAdder()).increment();
    long published = event.path("data").path("benchPublishedAtMicros").asLong(0);
    if (published <= 0) {
      unmeasured.incrementAndGet();
      return;
    }
    latencyMicros.recordValue(Math.max(0, Math.min(arrivedMicros - published, latencyMicros.getHighestTrackableValue())));
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /** Distinct events received so far. */
  public long events() {
    return events.get();
  }

  /** Events that arrived within [fromEpochSecond, toEpochSecond). */
  public long eventsBetween(long fromEpochSecond, long toEpochSecond) {
    long n = 0;
    for (var e : eventsBySecond.entrySet()) {
      if (e.getKey() >= fromEpochSecond && e.getKey() < toEpochSecond) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  public Map<String, Object> figures() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("deliveries", deliveries.get());
    f.put("events", events.get());
    f.put("duplicates", duplicates.get());
    f.put("refusedSignatures", refused.get());
    f.put("eventsWithoutPublishTime", unmeasured.get());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("count", latencyMicros.getTotalCount());
    for (double p : new double[] {50, 90, 95, 99, 99.9}) {
      latency.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)) + "Millis",
          latencyMicros.getValueAtPercentile(p) / 1000.0);
    }
    latency.put("maxMillis", latencyMicros.getMaxValue() / 1000.0);
    f.put("publishToDelivery", latency);
    return f;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
