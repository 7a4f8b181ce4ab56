package io.farthing.auth.security;

import io.farthing.common.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Fixed one-minute windows per bucket and caller, counted in Redis. Over the limit: 429 with
 * Retry-After until the window ends. Redis unavailable: requests pass (rate limiting is a
 * courtesy to the service; the per-account lock-out, which fails closed, guards credentials).
 */
@ApplicationScoped
public class RateLimiter {
  private static final Logger LOG = Logger.getLogger(RateLimiter.class);
  private static final long WINDOW_SECONDS = 60;

  private final RedisCounters counters;

  public RateLimiter(RedisCounters counters) {
    this.counters = counters;
  }

  public Uni<Void> check(String bucket, String caller, int perMinute) {
    long now = Instant.now().getEpochSecond();
    long window = now / WINDOW_SECONDS;
    long retryAfter = WINDOW_SECONDS - (now % WINDOW_SECONDS);
    String key = "auth:rl:" + bucket + ":" + caller + ":" + window;
    return counters
        .increment(key, Duration.ofSeconds(WINDOW_SECONDS * 2))
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("Rate limiter unavailable (%s); letting the request through", failure.getMessage());
              return 0L;
            })
        .invoke(
            count -> {
              if (count > perMinute) {
                throw ApiException.rateLimited(retryAfter);
              }
            })
        .replaceWithVoid();
  }
}
