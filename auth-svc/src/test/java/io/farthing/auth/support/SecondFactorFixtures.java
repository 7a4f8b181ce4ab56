package io.farthing.auth.support;

import io.farthing.testing.Sql;
import io.farthing.auth.audit.AuditEvent;
import io.farthing.auth.token.TokenIssuer;
import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.RedisDataSource;
import java.util.Set;
import java.util.UUID;

/** Helpers for the TOTP and device-key tests (run inside a @QuarkusTest). */
public final class SecondFactorFixtures {
  private SecondFactorFixtures() {}

  /**
   * A user access token minted directly, so arranging a test does not go through password
   * sign-in (the sign-in flows under test still do).
   */
  public static String accessTokenFor(Api.TestUser user) {
    TokenIssuer issuer = Arc.container().instance(TokenIssuer.class).get();
    return Sql.await(() -> issuer.userAccessToken(UUID.fromString(user.id()), Set.of("user"), Set.of("pwd")))
        .token();
  }

  public static long auditCount(String userId, String action, String outcome) {
    return Sql.await(() -> Panache.withSession(() -> AuditEvent.count(
        "subjectUserId = ?1 and action = ?2 and outcome = ?3", UUID.fromString(userId), action, outcome)));
  }

  /** FLUSHDB on the test Redis database only (FARTHING_TEST_REDIS_DB), never FLUSHALL. */
  public static void flushTestRedisDatabase() {
    redis().execute("FLUSHDB");
  }

  public static String redisValue(String key) {
    return redis().value(String.class).get(key);
  }

  private static RedisDataSource redis() {
    return Arc.container().instance(RedisDataSource.class).get();
  }
}
