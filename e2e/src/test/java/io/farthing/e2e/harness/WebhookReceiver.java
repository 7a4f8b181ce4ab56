package io.farthing.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A partner's webhook receiver on 127.0.0.1 (an ephemeral port), verifying every request as the
 * Standard Webhooks scheme says a receiver must (notify-svc/docs/webhooks.md): {@code webhook-id},
 * {@code webhook-timestamp} within 5 minutes of now, and {@code webhook-signature} a space-separated
 * list of {@code v1,<base64 HMAC-SHA256(secret, id + "." + timestamp + "." + raw body)>} of which one
 * must match, compared in constant time, before the body is parsed. A verified request is answered
 * 204; anything else 401 and kept as rejected with why, so a test sees both.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final String path;
  private final List<Delivery> deliveries = new ArrayList<>();
  private volatile byte[] secret;

  /**
   * One request as received. {@code verified} only when every header was present, the timestamp
   * fresh and a signature matched; {@code problem} says what failed otherwise.
   */
  public record Delivery(
      String webhookId, String timestamp, String signature, byte[] body, JsonNode json, boolean verified,
      String problem, int answered) {
    public String type() {
      return json.path("type").asText();
    }

    public JsonNode data() {
      return json.path("data");
    }
  }

  private WebhookReceiver(HttpServer server, String path) {
    this.server = server;
    this.path = path;
  }

  /** Starts a receiver on 127.0.0.1 at a fresh port, serving {@code /hooks/<random>}. */
  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      WebhookReceiver receiver = new WebhookReceiver(server, "/hooks/" + Suite.randomToken(12));
      server.createContext(receiver.path, receiver::handle);
      server.setExecutor(receiver.executor);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException("the webhook receiver could not start", e);
    }
  }

  /** Where notify-svc should POST: {@code http://127.0.0.1:<port>/hooks/<random>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /**
   * The signing secret notify-svc returned for the endpoint ({@code whsec_<base64>}). Until it is
   * set, every request is rejected (the receiver cannot verify anything yet).
   */
  public void trust(String signingSecret) {
    if (!signingSecret.startsWith("whsec_")) {
      throw new AssertionError("a signing secret starts with whsec_: " + signingSecret);
    }
    this.secret = Base64.getDecoder().decode(signingSecret.substring("whsec_".length()));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
      String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
      String problem = "POST".equals(exchange.getRequestMethod()) ? problem(id, timestamp, signature, body) : "not a POST";
      int status = problem == null ? 204 : 401;
      JsonNode json = problem == null ? parse(body) : MissingNode.getInstance();
      synchronized (deliveries) {
        deliveries.add(new Delivery(id, timestamp, signature, body, json, problem == null, problem, status));
        deliveries.notifyAll();
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  /** Why the request does not verify, or null when it does. */
  private String problem(String id, String timestamp, String signature, byte[] body) {
    byte[] key = secret;
    if (key == null) {
      return "no signing secret configured yet";
    }
    if (id == null || id.isBlank() || timestamp == null || signature == null) {
      return "missing webhook-id, webhook-timestamp or webhook-signature";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return "webhook-timestamp is not unix seconds";
    }
    if (Math.abs(Instant.now().getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
      return "webhook-timestamp is more than 5 minutes from now";
    }
    byte[] expected = hmac(key, id, timestamp, body);
    for (String entry : signature.split(" ")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return null;
      }
    }
    return "no v1 signature matches";
  }

  /** HMAC-SHA256 over {@code id.timestamp.body}: what a v1 signature is (base64 of it). */
  public static byte[] hmac(byte[] key, String id, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * POSTs a request of the test's own making to this receiver (forged or tampered deliveries) and
   * returns the HTTP status it answered.
   */
  public int post(Map<String, String> headers, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url()))
        .timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The first verified delivery {@code match} accepts, waiting up to {@code wait}; null if none came. */
  public Delivery await(Predicate<Delivery> match, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (deliveries) {
      while (true) {
        for (Delivery d : deliveries) {
          if (d.verified() && match.test(d)) {
            return d;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        try {
          deliveries.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The first verified delivery of event {@code type} whose {@code data.chargeId} is {@code chargeId}. */
  public Delivery await(String type, String chargeId, Duration wait) {
    return await(d -> type.equals(d.type()) && chargeId.equals(d.data().path("chargeId").asText()), wait);
  }

  /** Every request received so far, verified or not, in arrival order. */
  public List<Delivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  /** The requests that did not verify. */
  public List<Delivery> rejected() {
    return deliveries().stream().filter(d -> !d.verified()).toList();
  }

  private static JsonNode parse(byte[] body) {
    try {
      return Http.JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
