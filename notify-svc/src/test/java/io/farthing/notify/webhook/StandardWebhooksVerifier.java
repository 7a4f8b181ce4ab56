package io.farthing.notify.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a delivery, written from the Standard Webhooks specification and not from
 * notify-svc's signer: the secret is the base64 after "whsec_"; the signed content is
 * "{webhook-id}.{webhook-timestamp}.{body}"; webhook-signature is a space-delimited list of
 * "v1,{base64 HMAC-SHA256}" and one match is enough; a timestamp outside the tolerance is refused
 * (replay protection).
 */
public final class StandardWebhooksVerifier {
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final byte[] key;

  public StandardWebhooksVerifier(String whsecSecret) {
    if (!whsecSecret.startsWith("whsec_")) {
      throw new IllegalArgumentException("not a Standard Webhooks secret");
    }
    this.key = Base64.getDecoder().decode(whsecSecret.substring("whsec_".length()));
  }

  public boolean verify(String id, String timestamp, String signatureHeader, byte[] body, Instant now) {
    if (id == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - sent) > TOLERANCE.toSeconds()) {
      return false;
    }
    byte[] expected = hmac(id, timestamp, body);
    for (String candidate : signatureHeader.split(" ")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  public boolean verify(Receiver.Request request, Instant now) {
    return verify(
        request.header("webhook-id"), request.header("webhook-timestamp"), request.header("webhook-signature"),
        request.body(), now);
  }

  public boolean verify(Receiver.Request request) {
    return verify(request, Instant.now());
  }

  private byte[] hmac(String id, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[prefix.length + body.length];
      System.arraycopy(prefix, 0, content, 0, prefix.length);
      System.arraycopy(body, 0, content, prefix.length, body.length);
      return mac.doFinal(content);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
