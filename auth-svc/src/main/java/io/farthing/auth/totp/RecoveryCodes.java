package io.farthing.auth.totp;

import io.farthing.auth.crypto.Secrets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Single-use recovery codes: 80 random bits each, written as four groups of four base32
 * characters ("abcd-efgh-ijkl-mnop"). That much entropy needs no slow KDF, so each is stored
 * as SHA-256, salted with the owner's id so equal digests never link two users.
 */
public final class RecoveryCodes {
  public static final int COUNT = 10;
  private static final int CODE_BYTES = 10;
  private static final int GROUP = 4;
  /** Longest input worth hashing: 16 characters, 3 dashes and some stray spaces. */
  private static final int MAX_TYPED = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RecoveryCodes() {}

  public static List<String> generate() {
    List<String> codes = new ArrayList<>(COUNT);
    for (int i = 0; i < COUNT; i++) {
      byte[] raw = new byte[CODE_BYTES];
      RANDOM.nextBytes(raw);
      codes.add(grouped(Base32.encode(raw).toLowerCase(Locale.ROOT)));
    }
    return codes;
  }

  /** What is hashed: case, dashes and spaces do not matter when a code is typed back. */
  public static String normalize(String typed) {
    if (typed == null || typed.length() > MAX_TYPED) {
      return "";
    }
    return typed.replace("-", "").replaceAll("\\s", "").toLowerCase(Locale.ROOT);
  }

  public static String hash(UUID userId, String typed) {
    return Secrets.sha256Hex("recovery-code:" + userId + ":" + normalize(typed));
  }

  private static String grouped(String plain) {
    StringBuilder out = new StringBuilder(plain.length() + plain.length() / GROUP);
    for (int i = 0; i < plain.length(); i += GROUP) {
      if (i > 0) {
        out.append('-');
      }
      out.append(plain, i, Math.min(plain.length(), i + GROUP));
    }
    return out.toString();
  }
}
