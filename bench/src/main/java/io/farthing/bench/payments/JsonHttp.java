package io.farthing.bench.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The REST calls of the set-up: JSON with a bearer token, over HTTP/1.1. A 429 is waited out
 * (its Retry-After, at most {@link #MAX_RATE_LIMIT_WAITS} times): auth-svc limits logins and token
 * requests per caller IP, and a benchmark signs up hundreds of users from one.
 */
final class JsonHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RATE_LIMIT_WAITS = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicBoolean warnedRateLimit = new AtomicBoolean();

  record Reply(int status, JsonNode body, String raw, String method, String url) {
    Reply expect(int... statuses) {
      for (int s : statuses) {
        if (status == s) {
          return this;
        }
      }
      throw new IllegalStateException(method + " " + url + " answered " + status + ": " + shorten(raw));
    }

    private static String shorten(String text) {
      return text == null ? "" : text.length() > 400 ? text.substring(0, 400) + "…" : text;
    }
  }

  Reply get(String url, String token) {
    return send("GET", url, token, null, Map.of(), null);
  }

  Reply post(String url, String token, Object body) {
    return post(url, token, body, Map.of());
  }

  Reply post(String url, String token, Object body, Map<String, String> headers) {
    return send("POST", url, token, json(body), headers, "application/json");
  }

  Reply put(String url, String token, Object body) {
    return send("PUT", url, token, json(body), Map.of(), "application/json");
  }

  /** OAuth2 client credentials with HTTP Basic client authentication. */
  Reply clientCredentials(String tokenUrl, String clientId, String secret) {
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return send("POST", tokenUrl, null, "grant_type=client_credentials", Map.of("Authorization", "Basic " + basic),
        "application/x-www-form-urlencoded");
  }

  private Reply send(String method, String url, String token, String body, Map<String, String> headers, String type) {
    for (int wait = 0; ; wait++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
          .header("Accept", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (type != null) {
        request.header("Content-Type", type);
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      headers.forEach(request::header);
      HttpResponse<String> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + url + " failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (response.statusCode() == 429 && wait < MAX_RATE_LIMIT_WAITS) {
        long seconds = response.headers().firstValueAsLong("Retry-After").orElse(5);
        if (warnedRateLimit.compareAndSet(false, true)) {
          System.err.printf("%s is rate-limited (HTTP 429): waiting it out (%d s). auth-svc limits logins and "
              + "token requests per IP; raise AUTH_RATE_LIMIT_LOGIN_PER_MINUTE / _TOKEN_PER_MINUTE for a "
              + "benchmark deployment (scripts/bench-payments does).%n", url, seconds);
        }
        sleep(Math.min(Math.max(seconds, 1), 60));
        continue;
      }
      return new Reply(response.statusCode(), parse(response.body()), response.body(), method, url);
    }
  }

  private static void sleep(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
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
