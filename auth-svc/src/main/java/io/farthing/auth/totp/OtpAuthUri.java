package io.farthing.auth.totp;

import java.nio.charset.StandardCharsets;

/**
 * The {@code otpauth://totp/...} key URI authenticator apps import from a QR code (the format
 * Google Authenticator defined and the others follow). Issuer and account are percent-encoded,
 * so an email such as {@code a+b@x.io} survives scanning.
 */
public final class OtpAuthUri {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private OtpAuthUri() {}

  public static String totp(String issuer, String account, String secretBase32) {
    String issuerEncoded = encode(issuer);
    return "otpauth://totp/"
        + issuerEncoded
        + ":"
        + encode(account)
        + "?secret="
        + secretBase32
        + "&issuer="
        + issuerEncoded
        + "&algorithm=SHA1&digits="
        + Totp.DIGITS
        + "&period="
        + Totp.STEP_SECONDS;
  }

  /** RFC 3986 unreserved characters and '@' stay as they are; every other byte is %XX. */
  static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean plain =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~' || c == '@';
      if (plain) {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0x0f]).append(HEX[b & 0x0f]);
      }
    }
    return out.toString();
  }
}
