package io.farthing.e2e.harness;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test's authenticator app: reads an {@code otpauth://totp/...} enrolment URI and computes
 * RFC 6238 codes from it (HMAC-SHA1 over the 30-second step, RFC 4226 dynamic truncation), written
 * here from the RFCs and not shared with auth-svc's code, so a mistake on either side shows.
 *
 * <p>auth-svc accepts a code for the current step ±1 and never a step at or before the last one
 * it accepted. {@link #next()} hands out codes for strictly increasing steps inside that window,
 * so a test can pass several TOTP checks within one 30 s period without waiting — what a user with
 * a clock a few seconds fast would type — and waits for the next step only when the window is used
 * up.
 */
public final class Totp {
  private static final long STEP_SECONDS = 30;
  private static final int DIGITS = 6;
  /** Below this many seconds left in a step, the previous step is not offered (it may expire in flight). */
  private static final long MARGIN_SECONDS = 10;

  private final byte[] secret;
  private final String account;
  private final String issuer;
  private long lastStep = Long.MIN_VALUE;

  /** One code and the step it is for. */
  public record Code(long step, String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  private Totp(byte[] secret, String account, String issuer) {
    this.secret = secret;
    this.account = account;
    this.issuer = issuer;
  }

  /** Reads an enrolment URI; refuses one whose parameters differ from RFC 6238's defaults. */
  public static Totp fromUri(String otpauthUri) {
    URI uri = URI.create(otpauthUri);
    if (!"otpauth".equals(uri.getScheme()) || !"totp".equals(uri.getHost())) {
      throw new AssertionError("not an otpauth://totp URI: " + otpauthUri);
    }
    Map<String, String> query = new HashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    expect(query, "algorithm", "SHA1");
    expect(query, "digits", Integer.toString(DIGITS));
    expect(query, "period", Long.toString(STEP_SECONDS));
    String label = URLDecoder.decode(uri.getRawPath().substring(1), StandardCharsets.UTF_8);
    int colon = label.indexOf(':');
    return new Totp(base32(query.get("secret")), label.substring(colon + 1), query.get("issuer"));
  }

  /** The account name the URI shows in the app (the user's email). */
  public String account() {
    return account;
  }

  public String issuer() {
    return issuer;
  }

  public static long stepAt(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
  }

  /** The code for one step (RFC 4226 §5.3 over RFC 6238's time counter). */
  public String code(long step) {
    byte[] hmac;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      hmac = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    int offset = hmac[hmac.length - 1] & 0x0f;
    int binary = ((hmac[offset] & 0x7f) << 24)
        | ((hmac[offset + 1] & 0xff) << 16)
        | ((hmac[offset + 2] & 0xff) << 8)
        | (hmac[offset + 3] & 0xff);
    return String.format(Locale.ROOT, "%0" + DIGITS + "d", binary % 1_000_000);
  }

  /**
   * A code auth-svc will accept now, for a step after every step handed out before (each code is
   * spent once accepted). Offers the previous step only while the current one has more than
   * {@value #MARGIN_SECONDS} s left, and the next one always; waits for a new step when those are
   * used up.
   */
  public synchronized Code next() {
    while (true) {
      Instant now = Instant.now();
      long step = stepAt(now);
      long secondsLeft = (step + 1) * STEP_SECONDS - now.getEpochSecond();
      long earliest = secondsLeft > MARGIN_SECONDS ? step - 1 : step;
      long candidate = Math.max(earliest, lastStep + 1);
      if (candidate <= step + 1) {
        lastStep = candidate;
        return new Code(candidate, code(candidate));
      }
      try {
        Thread.sleep(secondsLeft * 1000 + 200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Six digits that are the code of no step near now (a typo, a guess). */
  public String wrong() {
    long step = stepAt(Instant.now());
    Set<String> near = new HashSet<>();
    for (long s = step - 3; s <= step + 3; s++) {
      near.add(code(s));
    }
    for (int n = 0; ; n++) {
      String candidate = String.format(Locale.ROOT, "%06d", (123_457 + n * 7_919) % 1_000_000);
      if (!near.contains(candidate)) {
        return candidate;
      }
    }
  }

  private static void expect(Map<String, String> query, String name, String value) {
    String given = query.getOrDefault(name, value);
    if (!value.equalsIgnoreCase(given)) {
      throw new AssertionError("otpauth " + name + " is " + given + ", expected " + value);
    }
  }

  /** RFC 4648 base32 (upper or lower case, padding optional). */
  static byte[] base32(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    String clean = text.replace("=", "").toUpperCase(Locale.ROOT);
    ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (char c : clean.toCharArray()) {
      int value = alphabet.indexOf(c);
      if (value < 0) {
        throw new AssertionError("not base32: " + text);
      }
      buffer = ((buffer << 5) | value) & 0x1fff;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    return out.array();
  }
}
