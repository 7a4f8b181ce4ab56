package io.farthing.payments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code payments.*} key, with its default. Documented in payments-svc/README.md and
 * docs/configuration.md.
 */
@ConfigMapping(prefix = "payments")
public interface PaymentsConfig {

  Holds holds();

  Risk risk();

  Auth auth();

  Limits limits();

  Fees fees();

  Idempotency idempotency();

  Charges charges();

  /** The outbox relay to notify-svc (io.farthing.payments.outbox.OutboxRelay). */
  Outbox outbox();

  /** Where tokens come from; read by the mp.jwt.* settings in application.properties. */
  Jwt jwt();

  interface Jwt {
    String issuer();

    String audience();

    String jwksUrl();
  }

  interface Holds {
    /** How long an authorized charge holds the money before it is released automatically. */
    @WithDefault("PT168H")
    Duration expiry();

    /** How often each replica looks for expired holds and unanswered challenges. */
    @WithDefault("5s")
    Duration sweepInterval();

    /** At most this many charges are released per sweep. */
    @WithDefault("200")
    int sweepBatch();
  }

  interface Risk {
    /** The deadline of each Score call; a late answer is treated as no answer. */
    @WithDefault("60ms")
    Duration timeout();

    /**
     * Fallback when risk-svc is unavailable or late: a payment below this amount (minor units,
     * in any currency unless {@code fallback-allow-below-minor-by-currency} names it) is allowed;
     * anything else is challenged.
     */
    @WithDefault("200")
    long fallbackAllowBelowMinor();

    Map<String, Long> fallbackAllowBelowMinorByCurrency();

    /** Category reported to risk-svc for merchants without one. */
    @WithDefault("general")
    String defaultMerchantCategory();
  }

  interface Auth {
    /** This service's OAuth2 client at auth-svc (scopes auth:internal risk:score risk:report). */
    @WithDefault("payments-svc")
    String clientId();

    Optional<String> clientSecret();

    /** auth-svc's token endpoint. */
    @WithDefault("http://127.0.0.1:8101/oauth2/token")
    String tokenUrl();

    /** Deadline of the client-credentials token request (made once per token lifetime). */
    @WithDefault("5s")
    Duration tokenTimeout();

    /** Deadline of each call to auth-svc (consent check, user look-up, challenges). */
    @WithDefault("2s")
    Duration timeout();
  }

  interface Limits {
    /** How long a raised cap waits before it applies; lowering applies at once. */
    @WithDefault("PT24H")
    Duration capRaiseCoolOff();
  }

  interface Fees {
    /**
     * Guardrail: a fee may take at most this share (basis points) of the charge. A fee plan is
     * refused when its fee on {@code guardrail-reference-minor} would exceed it, and a charge is
     * refused when its own fee would.
     */
    @WithDefault("3000")
    int maxShareBps();

    /** The tiny amount (minor units) a new fee plan is tested against. */
    @WithDefault("10")
    long guardrailReferenceMinor();
  }

  interface Idempotency {
    /** How long a key is remembered (at least 24 h: money rule 4). */
    @WithDefault("PT48H")
    Duration ttl();

    /** How long a claimed key stays in flight before another attempt may take it over. */
    @WithDefault("30s")
    Duration lease();
  }

  interface Charges {
    /** How long a REQUIRES_ACTION charge waits for the user's step-up before it expires. */
    @WithDefault("PT10M")
    Duration challengeExpiry();

    @WithDefault("500")
    int maxDescriptionLength();

    @WithDefault("20")
    int maxMetadataEntries();
  }

  interface Outbox {
    /** Off: events are still written with the money, and wait for a replica whose relay is on. */
    @WithDefault("true")
    boolean relayEnabled();

    /** The poll under the post-commit wake-up (read by the @Scheduled expression). */
    @WithDefault("1s")
    Duration interval();

    /** Events per pass. */
    @WithDefault("100")
    int batch();

    /** Ordering-key shards, each drained by one replica at a time; the same on every replica. */
    @WithDefault("64")
    int shards();

    /** Ordering keys published at once in a pass (one key's events go one after another). */
    @WithDefault("16")
    int concurrency();

    @WithDefault("2s")
    Duration publishTimeout();

    /** No Publish starts after this in a pass; the rest waits for the next one. */
    @WithDefault("5s")
    Duration passBudget();

    /** A failed event's retry delay doubles from 1 s up to this. */
    @WithDefault("30s")
    Duration maxBackoff();
  }
}
