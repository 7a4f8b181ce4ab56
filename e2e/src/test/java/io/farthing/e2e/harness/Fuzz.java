package io.farthing.e2e.harness;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Hostile input from one seed: amounts at and beyond the int64 edges, currencies that only look
 * right, ids that are not ids, strings no form expects, broken JSON and broken protobuf. The same
 * seed gives the same sequence, so a failing run is replayed with {@code -Dfarthing.e2e.fuzz.seed}.
 */
public final class Fuzz {
  /** 1 MiB: above every field limit and every body limit short of the server's own. */
  public static final int HUGE = 1 << 20;

  private static final long[] EDGE_AMOUNTS = {
    0, -1, 1, 2, 99, 100, 101, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
    Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE, (1L << 53) + 1, -(1L << 53) - 1,
    Long.MAX_VALUE / 100, Long.MAX_VALUE / 10_000 + 1, 9_223_372_036_854_775L, 1_000_000_000_000L
  };

  private static final String[] CURRENCIES = {
    "EUR", "EUR", "eur", "Eur", "EU", "EURO", "EUR ", " EUR", "XXX", "XTS", "USD", "GBP", "JPY", "BHD",
    "ZZZ", "000", "E\u0000R", "\u0415UR" /* Cyrillic Ie */, "ＥＵＲ" /* full width */, "€", "", "E", "EUR\n",
    "E\uD800R", "EU\u202ER", "eur\u0301"
  };

  private static final String[] TEXTS = {
    "", " ", "a", "\u0000", "before\u0000after", "\uD800", "\uDFFF", "x\uDBFFy", "\uDC00\uD800",
    "\u202Eevil\u202C", "\u200B\u200C\u200D\uFEFF", "👍🏽👩‍👩‍👧", "e\u0301\u0301\u0301", "\uFFFF\uFFFE",
    "'; DROP TABLE charges; --", "\" OR \"1\"=\"1", "../../../etc/passwd", "%00%2e%2e%2f", "${jndi:ldap://x/a}",
    "%s%s%n%x", "<script>alert(1)</script>", "line\r\nX-Injected: yes", "\t\b\f\u0007", "null", "true",
    "NaN", "-0", "1e309", "\\u0000", "Ω≈ç√∫˜µ≤≥÷", "\u0301", "\uD83D", "\u00A0\u2028\u2029", "\u0085"
  };

  private static final String[] BAD_IDS = {
    "", " ", "not-an-id", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000", "0", "-1",
    "9223372036854775808", "' OR 1=1 --", "../admin", "..%2F..%2Fadmin", "%", "%zz", "a/b", "a?b=c", "a#b",
    "\u0000", "\uD800", "ch_\u202E", "   00000000-0000-0000-0000-000000000001", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"
  };

  private final long seed;
  private final SplittableRandom random;

  public Fuzz(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  public long seed() {
    return seed;
  }

  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  @SafeVarargs
  public final <T> T oneOf(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** A small valid amount now and then, else an edge or a random int64. */
  public long amount() {
    int roll = random.nextInt(10);
    if (roll < 3) {
      return 1 + random.nextInt(300);
    }
    if (roll < 8) {
      return EDGE_AMOUNTS[random.nextInt(EDGE_AMOUNTS.length)];
    }
    return random.nextLong();
  }

  /**
   * An amount as JSON can carry it: a number (int64 or beyond), a fraction, an exponent, a string,
   * a boolean, null, or a container.
   */
  public Object jsonAmount() {
    return switch (random.nextInt(14)) {
      case 0 -> new BigInteger(Long.toString(Long.MAX_VALUE)).add(BigInteger.ONE);
      case 1 -> new BigInteger("-99999999999999999999999999999999");
      case 2 -> new java.math.BigDecimal("1.5");
      case 3 -> new java.math.BigDecimal("1E+3");
      case 4 -> new java.math.BigDecimal("0.0000000001");
      case 5 -> Long.toString(amount());
      case 6 -> random.nextBoolean();
      case 7 -> null;
      case 8 -> java.util.List.of(amount());
      case 9 -> new java.math.BigDecimal("1e400");
      default -> amount();
    };
  }

  public String currency() {
    return chance(3) ? huge('E') : CURRENCIES[random.nextInt(CURRENCIES.length)];
  }

  /** Free text as a hostile caller writes it. */
  public String text() {
    int roll = random.nextInt(20);
    if (roll == 0) {
      return huge('a');
    }
    if (roll == 1) {
      return "x".repeat(200 + random.nextInt(10_000));
    }
    if (roll == 2) {
      return randomUnicode(1 + random.nextInt(64));
    }
    return TEXTS[random.nextInt(TEXTS.length)];
  }

  /** Something where an id belongs: a valid UUID nobody has, or no id at all. */
  public String id() {
    int roll = random.nextInt(10);
    if (roll < 2) {
      return UUID.randomUUID().toString();
    }
    if (roll == 2) {
      return UUID.randomUUID().toString().toUpperCase();
    }
    if (roll == 3) {
      return huge('0');
    }
    if (roll == 4) {
      return text();
    }
    return BAD_IDS[random.nextInt(BAD_IDS.length)];
  }

  public String idempotencyKey() {
    return chance(70) ? "fuzz-" + UUID.randomUUID() : id();
  }

  /** {@code length} code points from the whole range, surrogate halves and controls included. */
  public String randomUnicode(int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(6);
      if (kind == 0) {
        s.append((char) (0xD800 + random.nextInt(0x800)));
      } else if (kind == 1) {
        s.append((char) random.nextInt(0x20));
      } else {
        int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        s.appendCodePoint(cp);
      }
    }
    return s.toString();
  }

  public static String huge(char c) {
    return String.valueOf(c).repeat(HUGE);
  }

  /** Random bytes, {@code 0..max} of them. */
  public byte[] bytes(int max) {
    byte[] b = new byte[random.nextInt(max + 1)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  /**
   * A broken form of {@code validJson} (a JSON object as text): truncated, garbage after it, a key
   * named twice, NaN, deeply nested, not UTF-8, empty, a scalar or an array instead of an object.
   * (Not a leading byte order mark: RFC 8259 lets a parser ignore one.)
   */
  public byte[] brokenJson(String validJson) {
    String s =
        switch (random.nextInt(14)) {
          case 0 -> validJson.substring(0, random.nextInt(Math.max(1, validJson.length())));
          case 1 -> validJson + "}";
          case 2 -> validJson + " garbage";
          case 3 -> validJson.replaceFirst("\\{", "{\"amountMinor\":1,\"amountMinor\":2,");
          case 4 -> duplicateFirstKey(validJson);
          case 5 -> validJson.replaceFirst(":\\s*(-?\\d+)", ":NaN");
          case 6 -> "[".repeat(5_000) + "]".repeat(5_000);
          case 7 -> "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000);
          case 8 -> "";
          case 9 -> "null";
          case 10 -> "[" + validJson + "]";
          case 11 -> "\"" + validJson.replace("\"", "\\\"") + "\"";
          case 12 -> validJson.replace("\"", "'");
          default -> null;
        };
    if (s == null) {
      // Not UTF-8 at all: a lone continuation byte and an overlong encoding in the middle.
      byte[] valid = validJson.getBytes(StandardCharsets.UTF_8);
      byte[] broken = new byte[valid.length + 4];
      int at = Math.max(1, valid.length / 2);
      System.arraycopy(valid, 0, broken, 0, at);
      broken[at] = (byte) 0x80;
      broken[at + 1] = (byte) 0xC0;
      broken[at + 2] = (byte) 0xAF;
      broken[at + 3] = (byte) 0xFF;
      System.arraycopy(valid, at, broken, at + 4, valid.length - at);
      return broken;
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String duplicateFirstKey(String json) {
    int colon = json.indexOf(':');
    int comma = json.indexOf(',');
    if (colon < 0) {
      return json;
    }
    int end = comma < 0 ? json.lastIndexOf('}') : comma;
    String pair = json.substring(1, end);
    return "{" + pair + "," + pair + (comma < 0 ? "}" : json.substring(comma));
  }

  /**
   * A broken protobuf encoding of {@code valid}: cut short, random bytes, a field with the wrong wire
   * type, a length running past the end, invalid UTF-8 in a string field, a group never ended.
   */
  public byte[] brokenProtobuf(byte[] valid) {
    switch (random.nextInt(7)) {
      case 0 -> {
        if (valid.length > 1) {
          byte[] cut = new byte[1 + random.nextInt(valid.length - 1)];
          System.arraycopy(valid, 0, cut, 0, cut.length);
          // A cut that happens to fall on a field boundary still parses; a trailing tag byte does not.
          cut[cut.length - 1] = (byte) 0x0A;
          return cut;
        }
        return new byte[] {0x0A};
      }
      case 1 -> {
        byte[] b = bytes(256);
        return b.length == 0 ? new byte[] {(byte) 0xFF} : b;
      }
      case 2 -> {
        // field 1 (a string in every request here) sent as a varint, then as fixed64
        return new byte[] {0x08, (byte) 0x96, 0x01, 0x09, 1, 2, 3, 4, 5, 6, 7, 8};
      }
      case 3 -> {
        // field 1, length-delimited, claiming 2^31 bytes
        return new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 'a'};
      }
      case 4 -> {
        // field 1 as a string of invalid UTF-8
        return new byte[] {0x0A, 0x04, (byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1};
      }
      case 5 -> {
        // a start-group tag for field 1, never ended
        return new byte[] {0x0B, 0x08, 0x01};
      }
      default -> {
        // a varint of eleven bytes
        byte[] b = new byte[12];
        b[0] = 0x10;
        for (int i = 1; i < b.length; i++) {
          b[i] = (byte) 0xFF;
        }
        return b;
      }
    }
  }
}
