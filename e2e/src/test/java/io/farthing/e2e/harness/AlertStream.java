package io.farthing.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A user's live alert stream at notify-svc ({@code GET /v1/alerts/stream}, server-sent events), as
 * the user's app reads it: opened with the user's access token, read line by line on a thread of
 * its own. {@link #open} returns once notify-svc said {@code : connected} (the stream is registered,
 * so no alert published afterwards can be missed). Every alert received is kept, so waiting for one
 * never loses another that came first.
 */
public final class AlertStream implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
  private final List<JsonNode> received = new ArrayList<>();
  private final CountDownLatch connected = new CountDownLatch(1);
  private volatile InputStream body;
  private Thread reader;

  private AlertStream() {}

  /** Opens {@code notify}'s stream for the user whose token this is; fails if it does not open. */
  public static AlertStream open(String notify, String userToken) {
    AlertStream stream = new AlertStream();
    HttpRequest request = HttpRequest.newBuilder(URI.create(notify + "/v1/alerts/stream"))
        .header("Authorization", "Bearer " + userToken)
        .header("Accept", "text/event-stream")
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the alert stream did not open: " + e, e);
    }
    if (response.statusCode() != 200) {
      throw new AssertionError("the alert stream answered HTTP " + response.statusCode());
    }
    stream.body = response.body();
    stream.reader = new Thread(stream::read, "e2e-sse");
    stream.reader.setDaemon(true);
    stream.reader.start();
    try {
      if (!stream.connected.await(20, TimeUnit.SECONDS)) {
        stream.close();
        throw new AssertionError("the alert stream never said it is listening (': connected')");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return stream;
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(":") && line.substring(1).trim().equals("connected")) {
          connected.countDown();
        } else if (line.startsWith("data:")) {
          incoming.add(line.substring("data:".length()).trim());
        }
      }
    } catch (IOException closed) {
      // the test closed the stream
    }
  }

  /**
   * The first alert received (before or during the wait) that {@code match} accepts, or null when
   * none came within {@code wait}.
   */
  public JsonNode await(Predicate<JsonNode> match, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < received.size(); checked++) {
        if (match.test(received.get(checked))) {
          return received.get(checked);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      String next;
      try {
        next = incoming.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (next == null) {
        return null;
      }
      try {
        received.add(Http.JSON.readTree(next));
      } catch (IOException e) {
        throw new UncheckedIOException("an alert that is not JSON: " + next, e);
      }
    }
  }

  /** The first alert about {@code chargeId} (its {@code data.chargeId}), or null. */
  public JsonNode alertFor(String chargeId, Duration wait) {
    return await(alert -> chargeId.equals(alert.path("data").path("chargeId").asText()), wait);
  }

  /** The first alert of {@code type} about {@code chargeId}, or null. */
  public JsonNode alertFor(String type, String chargeId, Duration wait) {
    return await(alert -> type.equals(alert.path("type").asText())
        && chargeId.equals(alert.path("data").path("chargeId").asText()), wait);
  }

  /** Every alert read so far (those a wait has taken off the wire), oldest first. */
  public List<JsonNode> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    InputStream open = body;
    if (open != null) {
      try {
        open.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    if (reader != null) {
      reader.interrupt();
    }
  }
}
