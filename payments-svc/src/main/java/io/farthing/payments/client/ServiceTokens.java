package io.farthing.payments.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.common.ApiException;
import io.farthing.payments.config.PaymentsConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * payments-svc's own access token (OAuth2 client credentials at auth-svc), for its calls to
 * auth-svc and risk-svc. Fetched on first use and renewed when a fifth of its life is left;
 * concurrent callers share one in-flight request.
 */
@ApplicationScoped
public class ServiceTokens {
  private static final Logger LOG = Logger.getLogger(ServiceTokens.class);
  private static final io.grpc.Metadata.Key<String> AUTHORIZATION =
      io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCOPES = "auth:internal risk:score risk:report notify:publish";

  private record Token(String value, Instant renewAt) {}

  private final PaymentsConfig config;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicReference<Token> current = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Token>> inFlight = new AtomicReference<>();

  public ServiceTokens(PaymentsConfig config, ObjectMapper json) {
    this.config = config;
    this.json = json;
  }

  /** A bearer token valid for at least a fifth of its lifetime. */
  public Uni<String> bearer() {
    Token token = current.get();
    if (token != null && Instant.now().isBefore(token.renewAt())) {
      return Uni.createFrom().item(token.value());
    }
    // Each caller gets a stage of its own: Mutiny cancels the stage of a caller that gives up
    // (a timeout, a failed sibling in a combine), and that must not cancel the one request every
    // other waiting caller shares (they would all fail with a CancellationException).
    return Uni.createFrom().completionStage(() -> shared().thenApply(Token::value));
  }

  /** One token request at a time, whatever the number of callers waiting for it. */
  private CompletableFuture<Token> shared() {
    while (true) {
      CompletableFuture<Token> pending = inFlight.get();
      if (pending != null) {
        return pending;
      }
      CompletableFuture<Token> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        fetchToken()
            .subscribe()
            .with(
                fetched -> {
                  current.set(fetched);
                  inFlight.set(null);
                  mine.complete(fetched);
                },
                failure -> {
                  inFlight.set(null);
                  mine.completeExceptionally(failure);
                });
        return mine;
      }
    }
  }

  /** {@code stub} carrying this service's bearer token (for calls to auth-svc, risk-svc, notify-svc). */
  public <S extends io.grpc.stub.AbstractStub<S>> Uni<S> authorize(S stub) {
    return bearer()
        .map(
            token -> {
              io.grpc.Metadata headers = new io.grpc.Metadata();
              headers.put(AUTHORIZATION, "Bearer " + token);
              return io.quarkus.grpc.GrpcClientUtils.attachHeaders(stub, headers);
            });
  }

  /** Drops the cached token (after an UNAUTHENTICATED answer) so the next call fetches a new one. */
  public void invalidate() {
    current.set(null);
  }

  private Uni<Token> fetchToken() {
    String secret =
        config.auth().clientSecret().filter(s -> !s.isBlank()).orElseThrow(
            () -> ApiException.unavailable("payments.auth.client-secret is not configured"));
    String form =
        "grant_type=client_credentials&scope="
            + encode(SCOPES)
            + "&client_id="
            + encode(config.auth().clientId())
            + "&client_secret="
            + encode(secret);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(config.auth().tokenUrl()))
            .timeout(config.auth().tokenTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return Uni.createFrom()
        .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
        .map(this::token)
        .onFailure(e -> !(e instanceof ApiException))
        .transform(
            e -> {
              LOG.warnf("Could not get a service token from %s: %s", config.auth().tokenUrl(), e.getClass().getSimpleName());
              return ApiException.unavailable("auth-svc is unavailable");
            });
  }

  private Token token(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      LOG.warnf("auth-svc refused payments-svc's client credentials (HTTP %d)", response.statusCode());
      throw ApiException.unavailable("payments-svc could not authenticate to auth-svc");
    }
    try {
      JsonNode body = json.readTree(response.body());
      long expiresIn = Math.max(1, body.path("expires_in").asLong(60));
      return new Token(body.path("access_token").asText(), Instant.now().plusSeconds(expiresIn * 4 / 5));
    } catch (java.io.IOException e) {
      throw ApiException.unavailable("auth-svc answered an unreadable token response");
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
