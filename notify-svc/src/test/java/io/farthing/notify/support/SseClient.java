package io.farthing.notify.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client on the JDK's HttpClient: events (and comment lines) land in a
 * queue as they are read, so a test can wait for the next one with a timeout.
 */
public final class SseClient implements AutoCloseable {
  /** One dispatched event; a comment line arrives as an event with only {@code comment} set. */
  public record SseEvent(String id, String name, String data, String comment, long receivedNanos) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
  private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
  private final int status;
  private final String contentType;
  private final InputStream body;

  private SseClient(HttpResponse<InputStream> response) {
    this.status = response.statusCode();
    this.contentType = response.headers().firstValue("content-type").orElse("");
    this.body = response.body();
    Thread reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  public static SseClient open(String url, String token, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      return new SseClient(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("could not open " + url, e);
    }
  }

  public int status() {
    return status;
  }

  public String contentType() {
    return contentType;
  }

  /** The next event or comment within {@code timeout}, or null. */
  public SseEvent next(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next real event (comments skipped) within {@code timeout}, or null. */
  public SseEvent nextEvent(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      SseEvent e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) {
        return null;
      }
      if (e.comment() == null) {
        return e;
      }
    }
  }

  /** Waits for the stream's {@code : connected} comment: it is listening from then on. */
  public void awaitConnected() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      SseEvent e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && "connected".equals(e.comment())) {
        return;
      }
    }
    throw new AssertionError("the stream never said it was connected");
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = null;
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new SseEvent(id, name, data.toString(), null, System.nanoTime()));
          }
          id = null;
          name = null;
          data = null;
        } else if (line.startsWith(":")) {
          events.add(new SseEvent(null, null, null, line.substring(1).trim(), System.nanoTime()));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          String chunk = line.substring(5);
          chunk = chunk.startsWith(" ") ? chunk.substring(1) : chunk;
          data = data == null ? new StringBuilder(chunk) : data.append('\n').append(chunk);
        }
      }
    } catch (IOException closed) {
      // closed by the test or the server
    } finally {
      ended.countDown();
    }
  }

  /** Whether the server ended the stream within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
