package io.farthing.notify.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A partner's webhook endpoint for tests: a local HTTP server that records every request it gets
 * and answers as its script says (by request number, from 1).
 */
public final class Receiver implements AutoCloseable {
  /** How to answer one request. */
  public record Answer(int status, long delayMs, String location) {
    public static Answer ok() {
      return new Answer(204, 0, null);
    }

    public static Answer status(int status) {
      return new Answer(status, 0, null);
    }

    public static Answer slow(long delayMs) {
      return new Answer(200, delayMs, null);
    }

    public static Answer redirect(String location) {
      return new Answer(302, 0, location);
    }
  }

  /** One request as it arrived: headers by lower-case name, the raw body, when. */
  public record Request(Map<String, String> headers, byte[] body, Instant at, String path) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile IntFunction<Answer> script = n -> Answer.ok();

  private Receiver(String host) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "receiver");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static Receiver on(String host) {
    return new Receiver(host);
  }

  public static Receiver local() {
    return new Receiver("127.0.0.1");
  }

  public Receiver answering(IntFunction<Answer> script) {
    this.script = script;
    return this;
  }

  /** Fails the first {@code failures} requests with {@code status}, then accepts. */
  public Receiver failingFirst(int failures, int status) {
    return answering(n -> n <= failures ? Answer.status(status) : Answer.ok());
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort() + "/hooks";
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    int n = count.incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    requests.add(new Request(headers, body, Instant.now(), exchange.getRequestURI().toString()));
    Answer answer = script.apply(n);
    try {
      if (answer.delayMs() > 0) {
        Thread.sleep(answer.delayMs());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (answer.location() != null) {
      exchange.getResponseHeaders().add("Location", answer.location());
    }
    try {
      exchange.sendResponseHeaders(answer.status(), -1);
    } catch (IOException gone) {
      // the client gave up (a timeout): nothing to answer
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
