package io.farthing.payments.paymentrequest;

import io.farthing.common.ApiException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Signs and verifies the payload a payment request's QR code carries:
 *
 * <pre>
 *   farthing:pr1.&lt;base64url(payload)&gt;.&lt;base64url(HMAC-SHA256(key, "farthing:pr1." + base64url(payload)))&gt;
 *   payload = key id length (1 byte) | key id (ASCII) | request id (16 bytes) | expires at (8 bytes, epoch s)
 * </pre>
 *
 * The MAC covers the version prefix and the payload exactly as written, so any change to either
 * is refused. The current key signs; the previous keys (named by the key id in the payload) still
 * verify, so a key can be rotated without voiding the QR codes already printed. Verification
 * compares MACs in constant time and answers every bad payload with the same refusal.
 *
 * <p>Created at start-up ({@link Startup}), so a missing or malformed key stops the service
 * before it takes traffic. Keys are never logged.
 */
@ApplicationScoped
@Startup
public class PaymentRequestSigner {
  private static final Logger LOG = Logger.getLogger(PaymentRequestSigner.class);
  public static final String PREFIX = "farthing:pr1.";
  public static final String INVALID_PAYMENT_REQUEST = "INVALID_PAYMENT_REQUEST";
  /** Longest text looked at: a payload is about 95 characters. */
  static final int MAX_TEXT_CHARS = 512;
  static final int MIN_KEY_BYTES = 32;
  private static final Pattern KEY_ID = Pattern.compile("^[A-Za-z0-9_-]{1,8}$");
  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** What a verified payload says. */
  public record Payload(String keyId, UUID requestId, Instant expiresAt) {}

  private final String currentKeyId;
  private final Map<String, byte[]> keys;

  @Inject
  public PaymentRequestSigner(PaymentRequestsConfig config) {
    this(config.signingKeyId(), keysFrom(config));
  }

  /** For tests and tools: {@code keys} must hold {@code currentKeyId}. */
  PaymentRequestSigner(String currentKeyId, Map<String, byte[]> keys) {
    if (!KEY_ID.matcher(currentKeyId).matches()) {
      throw new IllegalStateException("payments.payment-requests.signing-key-id must be 1-8 of [A-Za-z0-9_-]");
    }
    if (!keys.containsKey(currentKeyId)) {
      throw new IllegalStateException("no payment-request key has the current key id");
    }
    keys.forEach(
        (id, key) -> {
          if (!KEY_ID.matcher(id).matches() || key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(
                "payment-request keys need an id of 1-8 of [A-Za-z0-9_-] and at least " + MIN_KEY_BYTES + " bytes");
          }
        });
    this.currentKeyId = currentKeyId;
    this.keys = Map.copyOf(keys);
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  /** The payload for a request, signed by the current key (the same inputs give the same text). */
  public String sign(UUID requestId, Instant expiresAt) {
    byte[] keyId = currentKeyId.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer payload = ByteBuffer.allocate(1 + keyId.length + 16 + 8);
    payload.put((byte) keyId.length).put(keyId);
    payload.putLong(requestId.getMostSignificantBits()).putLong(requestId.getLeastSignificantBits());
    payload.putLong(expiresAt.getEpochSecond());
    String signed = PREFIX + ENCODER.encodeToString(payload.array());
    return signed + "." + ENCODER.encodeToString(mac(keys.get(currentKeyId), signed));
  }

  /**
   * The payload's content if it is one this service signed (with the current or a previous key);
   * INVALID_PAYMENT_REQUEST (400) otherwise. Expiry is the caller's to check.
   */
  public Payload verify(String text) {
    if (text == null || text.length() > MAX_TEXT_CHARS || !text.startsWith(PREFIX)) {
      throw invalid();
    }
    int dot = text.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      throw invalid();
    }
    String signed = text.substring(0, dot);
    byte[] payload = canonicalBase64(signed.substring(PREFIX.length()));
    byte[] givenMac = canonicalBase64(text.substring(dot + 1));
    Payload parsed = parse(payload);
    byte[] key = keys.get(parsed.keyId());
    if (key == null || !MessageDigest.isEqual(mac(key, signed), givenMac)) {
      throw invalid();
    }
    return parsed;
  }

  private static Payload parse(byte[] payload) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(payload);
      int keyIdLength = buffer.get() & 0xFF;
      if (keyIdLength < 1 || keyIdLength > 8 || payload.length != 1 + keyIdLength + 16 + 8) {
        throw invalid();
      }
      byte[] keyId = new byte[keyIdLength];
      buffer.get(keyId);
      UUID id = new UUID(buffer.getLong(), buffer.getLong());
      Instant expiresAt = Instant.ofEpochSecond(buffer.getLong());
      return new Payload(new String(keyId, StandardCharsets.US_ASCII), id, expiresAt);
    } catch (BufferUnderflowException | java.time.DateTimeException e) {
      throw invalid();
    }
  }

  /** Base64url without padding, in its one canonical spelling (so a payload has one text). */
  private static byte[] canonicalBase64(String text) {
    try {
      byte[] bytes = DECODER.decode(text);
      if (bytes.length == 0 || !ENCODER.encodeToString(bytes).equals(text)) {
        throw invalid();
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static byte[] mac(byte[] key, String signed) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  static ApiException invalid() {
    return ApiException.invalid("This is not a valid Farthing payment request", INVALID_PAYMENT_REQUEST);
  }

  // ------------------------------------------------------------------------------------------
  // Keys from configuration
  // ------------------------------------------------------------------------------------------

  private static Map<String, byte[]> keysFrom(PaymentRequestsConfig config) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    config
        .previousKeys()
        .filter(s -> !s.isBlank())
        .ifPresent(
            spec -> {
              for (String part : spec.split(",")) {
                String[] idAndKey = part.trim().split(":", 2);
                if (idAndKey.length != 2) {
                  throw new IllegalStateException("payments.payment-requests.previous-keys entries must be id:base64");
                }
                keys.put(idAndKey[0].trim(), decode(idAndKey[1].trim(), "payments.payment-requests.previous-keys"));
              }
            });
    byte[] current =
        config
            .signingKey()
            .filter(s -> !s.isBlank())
            .map(s -> decode(s.trim(), "payments.payment-requests.signing-key"))
            .orElseGet(() -> generated(config));
    keys.put(config.signingKeyId(), current);
    return keys;
  }

  private static byte[] generated(PaymentRequestsConfig config) {
    if (!config.generateMissingKey()) {
      throw new IllegalStateException(
          "payments.payment-requests.signing-key (FARTHING_PAYMENT_REQUEST_KEY) is not set; refusing to start"
              + " without it");
    }
    LOG.warn(
        "payments.payment-requests.signing-key (FARTHING_PAYMENT_REQUEST_KEY) is not set: generated an ephemeral"
            + " key (dev/test only). Payment requests signed with it stop verifying at restart, and other replicas"
            + " do not accept them.");
    byte[] key = new byte[MIN_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static byte[] decode(String base64, String name) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " must be base64");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalStateException(name + " must hold at least " + MIN_KEY_BYTES + " bytes");
    }
    return key;
  }
}
