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
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Owns the JWT signing keys. A rotation publishes the next key at once and lets it sign only
 * after {@code auth.jwt.publish-ahead}, longer than verifiers cache the JWKS, so no verifier ever
 * sees a token from a key it has not fetched; the old key stays published until every token it
 * signed has expired. An immediate rotation (a compromised key) skips the wait: verifiers then
 * pick the new kid up by their refresh-on-unknown-kid. Keys live in PostgreSQL so every replica
 * signs with the same key and publishes the same set.
 */
@ApplicationScoped
public class SigningKeyService {
  public static final String ROTATED = "SIGNING_KEY_ROTATED";
  private static final Logger LOG = Logger.getLogger(SigningKeyService.class);
  /** How long a replica may sign with its cached key before re-reading which key is current. */
  private static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  /** The key to sign with, and until when this replica may keep using it without a re-read. */
  public record ActiveKey(String kid, PrivateKey privateKey, Instant reloadAfter) {}

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
    VertxContextSupport.subscribeAndAwait(this::ensureCurrentKey);
  }

  /** The key to sign with now. */
  public Uni<ActiveKey> activeKey() {
    ActiveKey current = cached;
    if (current != null && Instant.now().isBefore(current.reloadAfter())) {
      return Uni.createFrom().item(current);
    }
    Instant now = Instant.now();
    return Panache.withSession(
            () ->
                keys.findCurrent(now)
                    .chain(key -> keys.findPending(now).map(pending -> remember(key, pending, now))))
        .onItem()
        .ifNull()
        .switchTo(() -> ensureCurrentKey().chain(ignored -> activeKey()));
  }

  /** Forgets the cached key, so the next signature re-reads which key is current. */
  public void reload() {
    cached = null;
  }

  /** The JWKS document: every key whose tokens may be presented now or soon. */
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

  /**
   * Starts a rotation: the next key is published now and signs from now + publish-ahead (or at
   * once when {@code immediate}). Idempotent: a rotation already under way is returned as is.
   * Safe to call on several replicas at once.
   */
  public Uni<SigningKey> rotate(boolean immediate, AuditLog.Actor actor, Origin origin) {
    return Panache.withTransaction(
            () ->
                keys.lockForRotation()
                    .chain(() -> plan(immediate))
                    .call(
                        next ->
                            audit.record(actor, null, ROTATED, AuditLog.Outcome.SUCCESS, origin,
                                next.kid + " activates " + next.activatesAt)))
        .invoke(this::reload);
  }

  @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> rotateWhenDue() {
    Instant now = Instant.now();
    return Panache.withSession(() -> keys.findCurrent(now))
        .chain(
            current -> {
              if (current != null
                  && current.activatesAt.plus(config.jwt().rotationPeriod()).isAfter(now)) {
                return Uni.createFrom().voidItem();
              }
              LOG.info("The signing key reached its rotation period; publishing the next one");
              return rotate(false, AuditLog.Actor.SYSTEM, Origin.INTERNAL).replaceWithVoid();
            });
  }

  private Uni<SigningKey> plan(boolean immediate) {
    Instant now = Instant.now();
    return keys.findCurrent(now)
        .chain(
            current ->
                keys.findPending(now)
                    .chain(
                        pending -> {
                          if (pending != null && !immediate) {
                            return Uni.createFrom().item(pending);
                          }
                          Instant activation = immediate ? now : now.plus(config.jwt().publishAhead());
                          if (pending != null) {
                            // Superseded before it ever signed: nothing to keep publishing.
                            pending.retiredAt = now;
                            pending.publishUntil = now;
                          }
                          if (current != null) {
                            current.retiredAt = activation;
                            // A compromised key (immediate) must stop verifying at once; a routine
                            // rotation keeps it published until its last token has expired.
                            current.publishUntil =
                                immediate ? now : activation.plus(longestTokenLife()).plus(CLOCK_SKEW);
                          }
                          return createKey(activation);
                        }));
  }

  Uni<SigningKey> ensureCurrentKey() {
    return Panache.withTransaction(
        () ->
            keys.lockForRotation()
                .chain(() -> keys.findCurrent(Instant.now()))
                .chain(current -> current != null ? Uni.createFrom().item(current) : createKey(Instant.now())));
  }

  private Uni<SigningKey> createKey(Instant activatesAt) {
    KeyPair pair = EcKeys.generate();
    ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
    SigningKey key = new SigningKey();
    key.kid = EcKeys.thumbprint(publicKey);
    key.algorithm = "ES256";
    key.publicJwk = EcKeys.publicJwk(publicKey, key.kid);
    key.privateKeyWrapped = keyRing.wrap(pair.getPrivate().getEncoded(), context(key.kid));
    key.createdAt = Instant.now();
    key.activatesAt = activatesAt;
    LOG.infof("Created signing key %s, signing from %s", key.kid, activatesAt);
    return keys.persist(key);
  }

  private ActiveKey remember(SigningKey current, SigningKey pending, Instant now) {
    if (current == null) {
      return null;
    }
    Instant reloadAfter = now.plus(CACHE_TTL);
    if (pending != null && pending.activatesAt.isBefore(reloadAfter)) {
      reloadAfter = pending.activatesAt;
    }
    PrivateKey privateKey =
        EcKeys.privateKey(keyRing.unwrap(current.privateKeyWrapped, context(current.kid)));
    ActiveKey active = new ActiveKey(current.kid, privateKey, reloadAfter);
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
