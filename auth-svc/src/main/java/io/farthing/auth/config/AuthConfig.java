package io.farthing.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed view of every `auth.*` key; defaults live in application.properties and the README. */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

  Jwt jwt();

  Refresh refresh();

  Password password();

  Lockout lockout();

  /** The security-alert outbox and its relay to notify-svc (io.farthing.auth.event). */
  Outbox outbox();

  RateLimit rateLimit();

  Crypto crypto();

  BootstrapAdmin bootstrapAdmin();

  /**
   * Internal API clients created (or brought in line) at start-up, keyed by client id:
   * {@code auth.bootstrap-clients."payments-svc".secret} and {@code .scopes}. Empty unless
   * configured; an entry without a secret is skipped. See {@code BootstrapClients}.
   */
  Map<String, BootstrapClient> bootstrapClients();

  interface Jwt {
    String issuer();

    String audience();

    String jwksUrl();

    /** At most 15 minutes: DESIGN.md's ceiling for user access tokens. */
    Duration accessTokenTtl();

    Duration partnerTokenTtl();

    /** At most 5 minutes. */
    Duration stepUpTokenTtl();

    /** How old the active signing key may get before a scheduled rotation replaces it. */
    Duration rotationPeriod();

    /**
     * How long a new key is published before it signs. Must exceed how long verifiers cache the
     * JWKS (smallrye.jwt.jwks.refresh-interval), so they hold the key before its first token.
     */
    Duration publishAhead();
  }

  interface Refresh {
    Duration ttl();
  }

  interface Password {
    int memoryKib();

    int iterations();

    int parallelism();

    @WithDefault("12")
    int minLength();

    @WithDefault("256")
    int maxLength();
  }

  interface Lockout {
    int maxFailures();

    Duration duration();
  }

  interface RateLimit {
    int loginPerMinute();

    int tokenPerMinute();
  }

  interface Crypto {
    /**
     * Versioned AES-256 keys as `version:base64,version:base64`; the highest version encrypts,
     * every listed version decrypts.
     */
    Optional<String> dataKeys();

    /** HMAC-SHA256 key (base64) for blind indexes of personal data. */
    Optional<String> blindIndexKey();

    /** Dev and test only: generate keys that are missing instead of refusing to start. */
    boolean generateMissingKeys();
  }

  interface BootstrapAdmin {
    Optional<String> email();

    Optional<String> password();
  }

  interface BootstrapClient {
    /** The client's secret, at least 24 characters. Blank: this client is not bootstrapped. */
    Optional<String> secret();

    /** The client's scopes, each one of {@code Scopes.ALL}. */
    Optional<List<String>> scopes();
  }

  interface Outbox {
    /** Off: alerts are still written with their changes, and wait for a relay that is on. */
    @WithDefault("true")
    boolean relayEnabled();

    /** The poll under the post-commit wake-up (read by the @Scheduled expression). */
    @WithDefault("1s")
    Duration interval();

    @WithDefault("100")
    int batch();

    /** Ordering-key shards, one replica each at a time; the same on every replica. */
    @WithDefault("16")
    int shards();

    @WithDefault("8")
    int concurrency();

    @WithDefault("2s")
    Duration publishTimeout();

    @WithDefault("5s")
    Duration passBudget();

    @WithDefault("30s")
    Duration maxBackoff();

    /** Published alerts (they hold an email address) are deleted after this long. */
    @WithDefault("7d")
    Duration keepPublished();
  }
}
