package io.farthing.notify.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code notify.webhooks.*} key, with its production default (documented in
 * notify-svc/docs/webhooks.md). The defaults are the safe ones: https only, no internal address.
 */
@ConfigMapping(prefix = "notify.webhooks")
public interface WebhooksConfig {

  /** Plain http endpoints: only for development and tests. */
  @WithDefault("false")
  boolean allowHttp();

  /**
   * Internal ranges an endpoint may resolve to all the same (e.g. 127.0.0.1/32 in dev and tests).
   * Empty in production: every loopback, private, link-local, ... address is refused.
   */
  Optional<List<String>> allowedPrivateCidrs();

  /** Host names refused whatever they resolve to (cloud metadata services, cluster names). */
  @WithDefault(
      "metadata.google.internal,metadata.goog,metadata,instance-data,instance-data.ec2.internal,"
          + "metadata.azure.com,metadata.platformequinix.com,kubernetes.default,kubernetes.default.svc")
  List<String> blockedHosts();

  /** Host name suffixes refused (cluster-internal DNS). */
  @WithDefault(".internal,.cluster.local,.svc,.local,.localdomain")
  List<String> blockedHostSuffixes();

  @WithDefault("20")
  int maxEndpointsPerPartner();

  /** Random bytes per signing secret (Standard Webhooks asks for 24 to 64). */
  @WithDefault("32")
  int secretBytes();

  /** How long the previous secret keeps signing after a rotation, unless the call says otherwise. */
  @WithDefault("PT24H")
  Duration rotationOverlap();

  @WithDefault("P7D")
  Duration maxRotationOverlap();

  /**
   * The key-encryption keys that seal signing secrets at rest, {@code 1:<base64 32 bytes>,2:<...>}
   * (env FARTHING_WEBHOOK_KEYS): the newest seals, every listed version opens. Unset: a start-up
   * failure, unless generate-missing-keys (dev/test only).
   */
  Optional<String> keys();

  /** Dev and test only: an unset key ring becomes one ephemeral key instead of a start-up failure. */
  @WithDefault("false")
  boolean generateMissingKeys();

  Secrets secrets();

  Delivery delivery();

  Dispatch dispatch();

  Disable disable();

  Digest digest();

  Mail mail();

  interface Secrets {
    /**
     * Rollout from a release without encryption only: also keep (and write) the plaintext column
     * so pods of that release keep signing. Unset it once they are gone; the background pass
     * then erases every plaintext copy.
     */
    @WithDefault("false")
    boolean keepPlaintext();

    /** How often each replica seals rows that still hold plaintext (also once at start-up). */
    @WithDefault("5m")
    Duration sealInterval();

    /** Rows sealed or rewrapped per transaction. */
    @WithDefault("200")
    int batchSize();
  }

  interface Delivery {
    /** Whole-attempt bound: connect, send, the endpoint's answer. */
    @WithDefault("10s")
    Duration timeout();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Attempts before a delivery is parked in the dead-letter list (about three days). */
    @WithDefault("15")
    int maxAttempts();

    /** Backoff before the second attempt; doubles per attempt up to max-backoff, full jitter. */
    @WithDefault("60s")
    Duration initialBackoff();

    @WithDefault("PT24H")
    Duration maxBackoff();

    /**
     * How long a replica holds a delivery it took; another replica retries it after that (so a
     * crash mid-delivery costs a retry, never the delivery). Longer than timeout.
     */
    @WithDefault("60s")
    Duration lease();

    /** Answer bytes read (then discarded) before the connection is dropped. */
    @WithDefault("65536")
    int maxResponseBytes();

    /** Connections kept per endpoint address. */
    @WithDefault("16")
    int maxConnectionsPerHost();

    @WithDefault("Farthing-Webhooks/1")
    String userAgent();
  }

  interface Dispatch {
    @WithDefault("true")
    boolean enabled();

    /** How often each replica looks for due deliveries (a Publish also wakes it at once). */
    @WithDefault("1s")
    Duration interval();

    /** Deliveries taken per pass. */
    @WithDefault("100")
    int batchSize();

    /** Deliveries in flight at once per replica. */
    @WithDefault("64")
    int concurrency();
  }

  interface Disable {
    /** Failed attempts in a row (no success between) that can disable an endpoint ... */
    @WithDefault("20")
    int afterFailures();

    /** ... once the failures have also lasted this long. */
    @WithDefault("PT72H")
    Duration after();
  }

  interface Digest {
    @WithDefault("10s")
    Duration minWindow();

    @WithDefault("1h")
    Duration maxWindow();

    /** A batch that reaches this many events is sent before its window ends. */
    @WithDefault("500")
    int maxEvents();
  }

  interface Mail {
    /** Sender of the "endpoint disabled" email; unset uses quarkus.mailer.from. */
    Optional<String> from();
  }
}
