package io.farthing.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP/1.1 with a bearer token: the REST side of the public APIs. */
public final class Http {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();

  /** An answer: its status and its body read as JSON (missing when empty or not JSON). */
  public record Reply(int status, JsonNode body, String raw) {
    public Reply expect(int... statuses) {
      for (int s : statuses) {
        if (status == s) {
          return this;
        }
      }
      throw new AssertionError("expected HTTP " + java.util.Arrays.toString(statuses) + " but got " + status + ": " + raw);
    }

    /** The problem+json {@code reason}, or null. */
    public String reason() {
      return body.path("reason").isMissingNode() ? null : body.path("reason").asText();
    }
  }

  public Reply get(String url, String token) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), token, Map.of());
  }

  /** A plain-text page (Prometheus metrics), no token. */
  public String getText(String url) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("HTTP call failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public Reply post(String url, String token, Object body) {
    return post(url, token, body, Map.of());
  }

  public Reply post(String url, String token, Object body, Map<String, String> headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(json(body)).header("Content-Type", "application/json"),
        token, headers);
  }

  public Reply put(String url, String token, Object body) {
    return send(HttpRequest.newBuilder(URI.create(url)).PUT(json(body)).header("Content-Type", "application/json"),
        token, Map.of());
  }

  /** {@code application/x-www-form-urlencoded} with HTTP Basic client authentication (OAuth2). */
  public Reply postForm(String url, String basicUser, String basicPassword, String form) {
    String basic = java.util.Base64.getEncoder()
        .encodeToString((basicUser + ":" + basicPassword).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return send(HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + basic),
        null, Map.of());
  }

  private Reply send(HttpRequest.Builder request, String token, Map<String, String> headers) {
    request.timeout(TIMEOUT).header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), parse(response.body()), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("HTTP call failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      return MissingNode.getInstance();
    }
  }
}
