package io.farthing.notify.webhook.delivery;

import io.farthing.common.ApiException;
import io.farthing.notify.webhook.WebhooksConfig;
import io.farthing.notify.webhook.ssrf.SsrfGuard;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * POSTs one signed body to an endpoint. The URL is checked by {@link SsrfGuard} right before the
 * attempt and the connection goes to the address that check approved (the Host header and TLS
 * SNI/hostname verification keep the name), so a DNS answer that changes between check and
 * connect (rebinding) cannot reach an internal address. Redirects are never followed. Never
 * fails: every outcome is an {@link AttemptResult}.
 */
@ApplicationScoped
public class WebhookSender {
  private final Vertx vertx;
  private final SsrfGuard guard;
  private final WebhooksConfig.Delivery config;
  private final HttpClient client;

  public WebhookSender(Vertx vertx, SsrfGuard guard, WebhooksConfig config) {
    this.vertx = vertx;
    this.guard = guard;
    this.config = config.delivery();
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout((int) this.config.connectTimeout().toMillis())
            .setKeepAlive(true)
            .setForceSni(true)
            .setVerifyHost(true)
            .setTrustAll(false)
            .setTryUseCompression(false)
            .setMaxRedirects(0);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(this.config.maxConnectionsPerHost()));
  }

  @PreDestroy
  void close() {
    client.closeAndForget();
  }

  public Uni<AttemptResult> post(String url, Map<String, String> headers, byte[] body) {
    long started = System.nanoTime();
    return vertx.executeBlocking(() -> guard.check(url), false)
        .chain(target -> send(target, headers, body))
        .map(status -> AttemptResult.answered(status, elapsedMs(started)))
        .ifNoItem()
        .after(config.timeout())
        .fail()
        .onFailure()
        .recoverWithItem(failure -> AttemptResult.failed(classify(failure), elapsedMs(started)));
  }

  private Uni<Integer> send(SsrfGuard.Target target, Map<String, String> headers, byte[] body) {
    InetAddress address = target.address();
    String ip = address instanceof Inet6Address ? address.getHostAddress().replaceFirst("%.*$", "") : address.getHostAddress();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(target.port(), ip))
            .setHost(target.host())
            .setPort(target.port())
            .setSsl(target.https())
            .setURI(target.pathAndQuery())
            .setFollowRedirects(false)
            .setConnectTimeout(config.connectTimeout().toMillis())
            .setIdleTimeout(config.timeout().toMillis());
    headers.forEach(options::putHeader);
    options.putHeader("content-type", "application/json");
    options.putHeader("user-agent", config.userAgent());
    return client.request(options).chain(request -> exchange(request, body));
  }

  /** Sends and reads (then drops) at most max-response-bytes of the answer. */
  private Uni<Integer> exchange(HttpClientRequest request, byte[] body) {
    return request
        .send(Buffer.buffer(body))
        .chain(
            response -> {
              AtomicLong read = new AtomicLong();
              int limit = config.maxResponseBytes();
              response.handler(
                  chunk -> {
                    if (read.addAndGet(chunk.length()) > limit) {
                      request.reset();
                    }
                  });
              int status = response.statusCode();
              return response.end().onFailure().recoverWithNull().replaceWith(status);
            });
  }

  static String classify(Throwable failure) {
    if (failure instanceof ApiException refused) {
      return "HOST_NOT_RESOLVED".equals(refused.reason()) ? "DNS_FAILED" : "URL_NOT_ALLOWED";
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return "TIMEOUT";
      }
      if (t instanceof SSLException) {
        return "TLS_FAILED";
      }
      if (t instanceof UnknownHostException) {
        return "DNS_FAILED";
      }
      if (t instanceof ConnectException) {
        return "CONNECTION_FAILED";
      }
    }
    return "CONNECTION_FAILED";
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
