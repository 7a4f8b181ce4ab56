package io.farthing.auth.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Expiring counters in Redis; INCR and the first PEXPIRE happen atomically in one script. */
@ApplicationScoped
public class RedisCounters {
  private static final String INCR_WITH_TTL =
      "local c = redis.call('INCR', KEYS[1]) "
          + "if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
          + "return c";
  private static final Duration REDIS_DEADLINE = Duration.ofMillis(500);

  private final ReactiveRedisDataSource redis;

  public RedisCounters(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  public Uni<Long> increment(String key, Duration ttl) {
    return redis
        .execute("EVAL", INCR_WITH_TTL, "1", key, Long.toString(ttl.toMillis()))
        .ifNoItem()
        .after(REDIS_DEADLINE)
        .failWith(() -> new IllegalStateException("redis did not answer in time"))
        .map(response -> response.toLong());
  }

  public Uni<Void> reset(String key) {
    return redis.key().del(key).replaceWithVoid();
  }
}
