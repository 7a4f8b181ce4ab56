package io.farthing.common;

import java.security.SecureRandom;
import java.util.UUID;

/** Time-ordered UUIDv7 ids (RFC 9562): inserts stay append-mostly in B-tree indexes. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static UUID newId() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt() & 0xFFFL;
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** Parses a caller-supplied id; a malformed one is an {@link ApiException} (400), never a 500. */
  public static UUID parse(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    try {
      return UUID.fromString(value.trim());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(field + " is not a valid id", "INVALID_ID");
    }
  }
}
