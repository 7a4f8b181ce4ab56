package io.farthing.notify.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in SMS provider on loopback (the JDK's HttpServer): notify-svc's http sender posts to
 * {@code /sms}. Tests read what it received and make it fail through {@code /_control}, over
 * HTTP, so nothing depends on sharing static state across class loaders:
 * {@code GET /_control/received} (JSON lines: authorization header, then body),
 * {@code POST /_control/fail?times=N} (the next N messages get a 503).
 */
public class SmsReceiver implements QuarkusTestResourceLifecycleManager {
  public static final String API_KEY = "test-sms-key";

  private HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/sms", this::sms);
    server.createContext("/_control", this::control);
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    return Map.of(
        "notify.alerts.sms.sender", "http",
        "notify.alerts.sms.http-url", base + "/sms",
        "notify.alerts.sms.http-api-key", API_KEY,
        "farthing.test.sms-receiver", base);
  }

  private void sms(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      refused.incrementAndGet();
      answer(exchange, 503, "{\"error\":\"try later\"}");
      return;
    }
    String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
    received.add("{\"authorization\":\"" + auth + "\",\"contentType\":\""
        + exchange.getRequestHeaders().getFirst("Content-Type") + "\",\"message\":" + body + "}");
    answer(exchange, 202, "{\"id\":\"msg-" + received.size() + "\"}");
  }

  private void control(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.endsWith("/received")) {
      answer(exchange, 200, "[" + String.join(",", received) + "]");
    } else if (path.endsWith("/refused")) {
      answer(exchange, 200, String.valueOf(refused.get()));
    } else if (path.endsWith("/fail")) {
      String query = exchange.getRequestURI().getQuery();
      failNext.set(Integer.parseInt(query.substring(query.indexOf('=') + 1)));
      answer(exchange, 204, null);
    } else {
      answer(exchange, 404, null);
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
