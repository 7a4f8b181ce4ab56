package io.farthing.auth.token;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.crypto.KeyRing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Owns the JWT signing keys: creates the first, rotates (the new key signs; the old one stays in
 * the JWKS until every token it signed has expired), and serves the active key to signers.
 * Keys live in PostgreSQL so every replica signs with the same key and publishes the same set.
 */
@ApplicationScoped
public class SigningKeyService {
  public static final String ROTATED = "SIGNING_KEY_ROTATED";
  private static final Logger LOG = Logger.getLogger(SigningKeyService.class);
  /** How long a replica may sign with its cached key before re-reading which key is active. */
  private static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  public record ActiveKey(String kid, PrivateKey privateKey, Instant loadedAt) {}

  private final SigningKeyRepository keys;
  private final KeyRing keyRing;
  private final AuditLog audit;
  private final AuthConfig config;
  private volatile ActiveKey cached;

  public SigningKeyService(
      SigningKeyRepository keys, KeyRing keyRing, AuditLog audit, AuthConfig config) {
    this.keys = keys;
    this.keyRing = keyRing;
    this.audit = audit;
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) throws Throwable {
    VertxContextSupport.subscribeAndAwait(this::ensureActiveKey);
  }

  /** The key to sign with now. */
  public Uni<ActiveKey> activeKey() {
    ActiveKey current = cached;
    if (current != null && current.loadedAt().plus(CACHE_TTL).isAfter(Instant.now())) {
      return Uni.createFrom().item(current);
    }
    return Panache.withSession(() -> keys.findActive())
        .chain(key -> key == null ? ensureActiveKey() : Uni.createFrom().item(key))
        .map(this::remember);
  }

  /** The JWKS document: every key whose tokens may still be presented. */
  public Uni<String> jwks() {
    return Panache.withSession(() -> keys.findPublished(Instant.now()))
        .map(
            published ->
                "{\"keys\":["
                    + String.join(",", published.stream().map(k -> k.publicJwk).toList())
                    + "]}");
  }

  /** A published verification key, or null when the kid is unknown or no longer published. */
  public Uni<PublicKey> verificationKey(String kid) {
    return Panache.withSession(() -> keys.findById(kid))
        .map(
            key -> {
              if (key == null
                  || (key.retiredAt != null && !key.publishUntil.isAfter(Instant.now()))) {
                return null;
              }
              return parsePublic(key.publicJwk);
            });
  }

  /** Replaces the active key. Safe to call on several replicas at once. */
  public Uni<SigningKey> rotate(AuditLog.Actor actor, Origin origin) {
    return Panache.withTransaction(
            () ->
                keys.lockForRotation()
                    .chain(keys::findActive)
                    .chain(old -> retire(old))
                    .chain(this::createKey)
                    .call(
                        created ->
                            audit.record(
                                actor, null, ROTATED, AuditLog.Outcome.SUCCESS, origin, created.kid)))
        .invoke(created -> cached = null);
  }

  @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> rotateWhenDue() {
    return Panache.withSession(() -> keys.findActive())
        .chain(
            active -> {
              if (active != null
                  && active.createdAt.plus(config.jwt().rotationPeriod()).isAfter(Instant.now())) {
                return Uni.createFrom().voidItem();
              }
              LOG.info("Active signing key reached its rotation period; rotating");
              return rotate(AuditLog.Actor.SYSTEM, Origin.INTERNAL).replaceWithVoid();
            });
  }

  Uni<SigningKey> ensureActiveKey() {
    return Panache.withTransaction(
        () ->
            keys.lockForRotation()
                .chain(keys::findActive)
                .chain(active -> active != null ? Uni.createFrom().item(active) : createKey(null)));
  }

  private Uni<Void> retire(SigningKey old) {
    if (old == null) {
      return Uni.createFrom().voidItem();
    }
    Instant now = Instant.now();
    old.retiredAt = now;
    old.publishUntil = now.plus(longestTokenLife()).plus(CLOCK_SKEW);
    // Flush now: the partial unique index allows one active key, and the new one follows.
    return Panache.getSession().chain(s -> s.flush()).replaceWithVoid();
  }

  private Uni<SigningKey> createKey(Void ignored) {
    KeyPair pair = EcKeys.generate();
    ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
    SigningKey key = new SigningKey();
    key.kid = EcKeys.thumbprint(publicKey);
    key.algorithm = "ES256";
    key.publicJwk = EcKeys.publicJwk(publicKey, key.kid);
    key.privateKeyWrapped = keyRing.wrap(pair.getPrivate().getEncoded(), context(key.kid));
    key.createdAt = Instant.now();
    LOG.infof("Created signing key %s", key.kid);
    return keys.persist(key);
  }

  private ActiveKey remember(SigningKey key) {
    PrivateKey privateKey = EcKeys.privateKey(keyRing.unwrap(key.privateKeyWrapped, context(key.kid)));
    ActiveKey active = new ActiveKey(key.kid, privateKey, Instant.now());
    cached = active;
    return active;
  }

  private Duration longestTokenLife() {
    AuthConfig.Jwt jwt = config.jwt();
    return Stream.of(jwt.accessTokenTtl(), jwt.partnerTokenTtl(), jwt.stepUpTokenTtl())
        .max(Duration::compareTo)
        .orElseThrow();
  }

  private static PublicKey parsePublic(String jwk) {
    try {
      return (PublicKey) JsonWebKey.Factory.newJwk(jwk).getKey();
    } catch (JoseException e) {
      throw new IllegalStateException("stored JWK is invalid", e);
    }
  }

  private static String context(String kid) {
    return "signing_keys/" + kid;
  }

}
