package io.farthing.auth.security;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.event.SecurityEvents;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Brute-force protection for passwords, OTP codes and step-up answers. Failures are counted in
 * Redis per account; reaching the limit writes the lock to PostgreSQL, so flushing Redis never
 * unlocks an account. If Redis cannot count a failure the attempt is refused (fail closed):
 * otherwise an outage would allow unlimited guessing.
 */
@ApplicationScoped
public class Lockout {
  public static final String ACCOUNT_LOCKED = "ACCOUNT_LOCKED";
  private static final Logger LOG = Logger.getLogger(Lockout.class);

  private final RedisCounters counters;
  private final UserRepository users;
  private final AuditLog audit;
  private final AuthConfig.Lockout config;
  private final SecurityEvents securityEvents;

  public Lockout(
      RedisCounters counters, UserRepository users, AuditLog audit, AuthConfig config, SecurityEvents securityEvents) {
    this.counters = counters;
    this.users = users;
    this.audit = audit;
    this.config = config.lockout();
    this.securityEvents = securityEvents;
  }

  /** Throws ACCOUNT_LOCKED (423, Retry-After) while the account is locked. */
  public void ensureNotLocked(User user) {
    Instant now = Instant.now();
    if (user.isLocked(now)) {
      long retryAfter = Duration.between(now, user.lockedUntil).getSeconds() + 1;
      throw new ApiException(
          ApiException.Kind.LOCKED,
          ACCOUNT_LOCKED,
          "Too many failed attempts; the account is locked for now",
          retryAfter);
    }
  }

  /** Counts one failed attempt; locks the account when the limit is reached. */
  public Uni<Void> recordFailure(UUID userId, Origin origin) {
    return counters
        .increment(key(userId), config.duration())
        .onFailure()
        .transform(
            failure -> {
              LOG.warnf("Cannot count a failed attempt (%s); refusing", failure.getMessage());
              return ApiException.unavailable("Sign-in is temporarily unavailable; try again shortly");
            })
        .chain(
            count ->
                count >= config.maxFailures() ? lock(userId, origin) : Uni.createFrom().voidItem());
  }

  /** A success clears the failure count (best effort: a stale count only expires later). */
  public Uni<Void> recordSuccess(UUID userId) {
    return counters
        .reset(key(userId))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  private Uni<Void> lock(UUID userId, Origin origin) {
    Instant until = Instant.now().plus(config.duration());
    return Panache.withTransaction(
            () ->
                users
                    .lockUntil(userId, until)
                    .call(
                        changed ->
                            audit.record(
                                AuditLog.Actor.SYSTEM,
                                userId,
                                ACCOUNT_LOCKED,
                                AuditLog.Outcome.SUCCESS,
                                origin,
                                "until " + until))
                    // One alert per lock: a failure counted while already locked changes nothing.
                    .call(
                        changed ->
                            changed == 0
                                ? Uni.createFrom().voidItem()
                                : securityEvents.record(
                                    SecurityEvents.LOCKED_OUT,
                                    userId,
                                    origin,
                                    new JsonObject()
                                        .put("reason", "TOO_MANY_FAILED_ATTEMPTS")
                                        .put("lockedUntil", until.toString()))))
        .invoke(securityEvents::committed)
        .call(() -> counters.reset(key(userId)).onFailure().recoverWithNull())
        .replaceWithVoid();
  }

  private static String key(UUID userId) {
    return "auth:failures:" + userId;
  }
}
