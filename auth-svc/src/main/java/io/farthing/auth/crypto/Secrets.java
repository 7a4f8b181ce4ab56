package io.farthing.auth.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * High-entropy opaque secrets (refresh tokens, client secrets, nonces) and their storage form.
 * A 256-bit random value needs no slow KDF: SHA-256 of it is stored, never the value.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** URL-safe, unpadded base64 of {@code bytes} random bytes, prefixed for recognisability. */
  public static String newToken(String prefix, int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  public static String sha256Hex(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Constant-time comparison of two hex digests. */
  public static boolean sameDigest(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
