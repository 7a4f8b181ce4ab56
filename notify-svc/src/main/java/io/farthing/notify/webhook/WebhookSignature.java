package io.farthing.notify.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code webhook-signature} is a space-separated list of
 * {@code v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>}, one per
 * active secret; a secret is shown to the partner as {@code whsec_<base64 of its bytes>}.
 */
public final class WebhookSignature {
  public static final String SECRET_PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignature() {}

  public static byte[] newSecret(int bytes) {
    if (bytes < 24 || bytes > 64) {
      throw new IllegalArgumentException("a signing secret has 24 to 64 bytes");
    }
    byte[] secret = new byte[bytes];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** How the partner sees a secret, once. */
  public static String display(byte[] secret) {
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(secret);
  }

  /** One {@code v1,<signature>} entry. */
  public static String sign(byte[] secret, String webhookId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The header value: a signature per active secret, newest first. */
  public static String header(List<byte[]> secrets, String webhookId, long timestampSeconds, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalStateException("an endpoint without an active secret cannot be signed for");
    }
    return secrets.stream()
        .map(secret -> sign(secret, webhookId, timestampSeconds, body))
        .collect(Collectors.joining(" "));
  }
}
