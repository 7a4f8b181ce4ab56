package io.farthing.auth.support;

import io.farthing.auth.audit.AuditEvent;
import io.farthing.auth.token.TokenIssuer;
import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/** Helpers for the TOTP and device-key tests (run inside a @QuarkusTest). */
public final class SecondFactorFixtures {
  private SecondFactorFixtures() {}

  /**
   * A user access token minted directly, so arranging a test does not go through password
   * sign-in (the sign-in flows under test still do).
   */
  public static String accessTokenFor(Api.TestUser user) {
    TokenIssuer issuer = Arc.container().instance(TokenIssuer.class).get();
    return await(() -> issuer.userAccessToken(UUID.fromString(user.id()), Set.of("user"), Set.of("pwd")))
        .token();
  }

  public static long auditCount(String userId, String action, String outcome) {
    return await(() -> Panache.withSession(() -> AuditEvent.count(
        "subjectUserId = ?1 and action = ?2 and outcome = ?3", UUID.fromString(userId), action, outcome)));
  }

  /**
   * Every test calls from 127.0.0.1, so all of them share the per-IP rate-limit windows; a test
   * that signs in several times starts with fresh windows instead of depending on test order.
   */
  public static void resetRateLimits() {
    RedisDataSource redis = redis();
    List<String> keys = redis.key().keys("auth:rl:*");
    if (!keys.isEmpty()) {
      redis.key().del(keys.toArray(String[]::new));
    }
  }

  /** FLUSHDB on the test Redis database only (FARTHING_TEST_REDIS_DB), never FLUSHALL. */
  public static void flushTestRedisDatabase() {
    redis().execute("FLUSHDB");
  }

  public static String redisValue(String key) {
    return redis().value(String.class).get(key);
  }

  /** The claims of a JWT, read without verifying (the service verified it already). */
  public static JsonPath claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  public static <T> T await(Supplier<Uni<T>> work) {
    try {
      return VertxContextSupport.subscribeAndAwait(work);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static RedisDataSource redis() {
    return Arc.container().instance(RedisDataSource.class).get();
  }
}
