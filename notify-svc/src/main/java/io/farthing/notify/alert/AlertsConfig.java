package io.farthing.notify.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code notify.alerts.*} key (people's alerts, inbox, preferences, email and SMS), with its
 * default. Documented in notify-svc/docs/alerts.md.
 */
@ConfigMapping(prefix = "notify.alerts")
public interface AlertsConfig {

  Stream stream();

  Live live();

  Outbound outbound();

  Sms sms();

  interface Stream {
    /** How often an SSE stream sends a comment line so proxies keep the connection open. */
    @WithDefault("15s")
    Duration heartbeat();

    /** Open streams per user on one replica; a further one closes the oldest. */
    @WithDefault("5")
    int maxPerUser();

    /** Open streams on one replica; past it new streams are refused (TOO_MANY_STREAMS). */
    @WithDefault("10000")
    int maxTotal();

    /**
     * Alerts held for one stream whose client is not reading; past it the stream is closed
     * (SLOW_CONSUMER) and the client resumes with Last-Event-ID.
     */
    @WithDefault("64")
    int buffer();

    /** At most this many alerts are replayed on resume (the newest of them if more are missed). */
    @WithDefault("500")
    int replayMax();
  }

  interface Live {
    /**
     * The Redis pub/sub channel every replica publishes committed alerts on and listens to.
     * Pub/sub ignores Redis database numbers, so tests use a channel of their own.
     */
    @WithDefault("farthing:notify:alerts")
    String redisChannel();

    /** How long to wait before subscribing again after the Redis subscription broke. */
    @WithDefault("2s")
    Duration resubscribeDelay();
  }

  interface Outbound {
    /** How often each replica looks for due email/SMS. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Messages claimed per poll. */
    @WithDefault("50")
    int batch();

    /** How long a claimed message is reserved for the replica sending it. */
    @WithDefault("60s")
    Duration lease();

    /** Backoff after the first failed attempt; doubled after each further one. */
    @WithDefault("5s")
    Duration initialBackoff();

    @WithDefault("30m")
    Duration maxBackoff();

    /** Attempts before a message is marked FAILED (kept, with its last error). */
    @WithDefault("10")
    int maxAttempts();

    /** The deadline of one send (SMTP or the SMS provider). */
    @WithDefault("10s")
    Duration sendTimeout();
  }

  interface Sms {
    /** {@code log} (development: logs a masked number) or {@code http} (the provider below). */
    @WithDefault("log")
    String sender();

    /** The provider's endpoint: POST {"to": "+49…", "body": "…"} with a bearer key. */
    Optional<String> httpUrl();

    /** The provider's API key (env FARTHING_SMS_API_KEY); never logged. */
    Optional<String> httpApiKey();
  }
}
