package io.farthing.auth.totp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226): HMAC-SHA1, 30-second steps,
 * 6 digits, the parameters every authenticator app supports. Pure: time comes in as a step.
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final long STEP_SECONDS = 30;
  /** Steps accepted either side of now, for clock drift and typing time (RFC 6238 §5.2). */
  public static final int WINDOW_STEPS = 1;
  /** 160 bits: the HMAC-SHA1 output size, RFC 4226's recommended secret length. */
  public static final int SECRET_BYTES = 20;

  private static final int[] POWERS_OF_TEN = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };
  private static final SecureRandom RANDOM = new SecureRandom();

  private Totp() {}

  public static byte[] newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The time step an instant falls in: seconds since the Unix epoch divided by 30. */
  public static long stepAt(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
  }

  /** The code for one step (RFC 4226 §5.3: HMAC, dynamic truncation, last {@code digits}). */
  public static String code(byte[] secret, long step, int digits) {
    if (digits < 1 || digits >= POWERS_OF_TEN.length) {
      throw new IllegalArgumentException("digits must be 1..8");
    }
    byte[] hmac = hmacSha1(secret, ByteBuffer.allocate(Long.BYTES).putLong(step).array());
    int offset = hmac[hmac.length - 1] & 0x0f;
    int truncated =
        ((hmac[offset] & 0x7f) << 24)
            | ((hmac[offset + 1] & 0xff) << 16)
            | ((hmac[offset + 2] & 0xff) << 8)
            | (hmac[offset + 3] & 0xff);
    String value = Integer.toString(truncated % POWERS_OF_TEN[digits]);
    return "0".repeat(digits - value.length()) + value;
  }

  /**
   * The step within ±{@link #WINDOW_STEPS} of {@code nowStep} whose code equals {@code code}, or
   * empty. Every candidate is computed and compared in constant time, so timing does not tell
   * which step (if any) matched. Ties go to the step nearest now.
   */
  public static OptionalLong matchingStep(byte[] secret, String code, long nowStep) {
    if (!isWellFormed(code)) {
      return OptionalLong.empty();
    }
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    long[] candidates = {nowStep, nowStep - 1, nowStep + 1};
    long match = Long.MIN_VALUE;
    for (long step : candidates) {
      byte[] expected = code(secret, step, DIGITS).getBytes(StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, presented) && match == Long.MIN_VALUE) {
        match = step;
      }
    }
    return match == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(match);
  }

  /** Exactly six ASCII digits. */
  public static boolean isWellFormed(String code) {
    if (code == null || code.length() != DIGITS) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** What people type: "123 456" is 123456. Null stays null. */
  public static String normalize(String typed) {
    return typed == null ? null : typed.replace(" ", "").replace("-", "").strip();
  }

  private static byte[] hmacSha1(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA1 unavailable", e);
    }
  }
}
