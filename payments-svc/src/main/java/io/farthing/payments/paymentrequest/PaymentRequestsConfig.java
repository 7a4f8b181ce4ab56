package io.farthing.payments.paymentrequest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code payments.payment-requests.*} key, with its default. Documented in
 * payments-svc/README.md ("Payment requests (QR)").
 */
@ConfigMapping(prefix = "payments.payment-requests")
public interface PaymentRequestsConfig {

  /**
   * The HMAC-SHA256 key that signs payloads: base64 of at least 32 random bytes
   * (FARTHING_PAYMENT_REQUEST_KEY). Every replica must have the same one. Required unless
   * {@link #generateMissingKey()}.
   */
  Optional<String> signingKey();

  /** The id of {@link #signingKey()}, written into every payload it signs: 1-8 of [A-Za-z0-9_-]. */
  @WithDefault("1")
  String signingKeyId();

  /**
   * Earlier keys, still accepted when verifying (never used to sign), as {@code id:base64} pairs,
   * comma-separated (FARTHING_PAYMENT_REQUEST_PREVIOUS_KEYS).
   */
  Optional<String> previousKeys();

  /** Dev and test only: generate a key for this process when none is set, instead of refusing to start. */
  @WithDefault("false")
  boolean generateMissingKey();

  /** The link form of a payload is this followed by the payload. */
  @WithDefault("https://pay.farthing.local/r/")
  String baseUrl();

  /** Shortest and longest time a request may be payable, and the time when the partner names none. */
  @WithDefault("PT1M")
  Duration minExpiry();

  @WithDefault("P30D")
  Duration maxExpiry();

  @WithDefault("PT15M")
  Duration defaultExpiry();

  /** Longest merchant reference (characters). */
  @WithDefault("100")
  int maxReferenceLength();
}
