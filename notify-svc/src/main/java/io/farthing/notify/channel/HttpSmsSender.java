package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Duration;

/**
 * An SMS provider over HTTP: {@code POST <url>} with {@code {"to": "+49…", "body": "…"}} and
 * {@code Authorization: Bearer <key>}; any 2xx is accepted, anything else (or no answer within the
 * timeout) is a failure the worker retries.
 */
public class HttpSmsSender implements SmsSender {
  private final WebClient client;
  private final String url;
  private final String apiKey;
  private final Duration timeout;

  public HttpSmsSender(WebClient client, String url, String apiKey, Duration timeout) {
    this.client = client;
    this.url = url;
    this.apiKey = apiKey;
    this.timeout = timeout;
  }

  @Override
  public Uni<Void> send(String to, String body) {
    var request = client.postAbs(url).timeout(timeout.toMillis()).putHeader("Content-Type", "application/json");
    if (apiKey != null && !apiKey.isBlank()) {
      request.putHeader("Authorization", "Bearer " + apiKey);
    }
    return request
        .sendJsonObject(new JsonObject().put("to", to).put("body", body))
        .map(
            response -> {
              if (response.statusCode() / 100 != 2) {
                throw new SmsRefused("the SMS provider answered HTTP " + response.statusCode());
              }
              return null;
            });
  }

  /** The provider did not take the message; the message names only the HTTP status. */
  public static final class SmsRefused extends RuntimeException {
    public SmsRefused(String message) {
      super(message, null, false, false);
    }
  }
}
