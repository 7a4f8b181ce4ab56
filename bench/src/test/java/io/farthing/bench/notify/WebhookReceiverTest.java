package io.farthing.bench.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void acceptsAnyOfSeveralSignaturesAndRefusesATamperedBodyOrAStaleTimestamp() {
    Instant now = Instant.now();
    String ts = String.valueOf(now.getEpochSecond());
    byte[] body = "{\"type\":\"charge.succeeded\"}".getBytes(StandardCharsets.UTF_8);
    String good = "v1," + sign(KEY, "msg_1", ts, body);
    String other = "v1," + sign("another-secret-another-secret-xx".getBytes(StandardCharsets.US_ASCII), "msg_1", ts, body);

    assertTrue(WebhookReceiver.verified(KEY, "msg_1", ts, body, other + " " + good, now), "rotation: the second signature matches");
    assertFalse(WebhookReceiver.verified(KEY, "msg_1", ts, "{}".getBytes(StandardCharsets.UTF_8), good, now));
    assertFalse(WebhookReceiver.verified(KEY, "msg_2", ts, body, good, now), "the id is signed too");
    assertFalse(WebhookReceiver.verified(KEY, "msg_1", ts, body, good, now.plusSeconds(WebhookReceiver.TOLERANCE_SECONDS + 1)));
    assertFalse(WebhookReceiver.verified(KEY, "msg_1", ts, body, "v2," + sign(KEY, "msg_1", ts, body), now));
  }

  @Test
  void countsEachEventOnceAndItsPublishToDeliveryTimeWhateverTheRepeatsAndDigests() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start(0, 2)) {
      receiver.trust(SECRET);
      long published = WebhookReceiver.nowMicros() - 5_000;
      String event = "{\"type\":\"charge.succeeded\",\"data\":{\"benchPublishedAtMicros\":" + published + "}}";
      String digest = "{\"type\":\"digest\",\"events\":[" + event + "," + event + "]}";

      assertEquals(204, post(receiver, "evt_1", event, SECRET));
      assertEquals(204, post(receiver, "evt_1", event, SECRET), "a repeat is acknowledged");
      assertEquals(204, post(receiver, "batch_1", digest, SECRET));
      assertEquals(401, post(receiver, "evt_2", event, "whsec_" + Base64.getEncoder().encodeToString(new byte[32])));

      Map<String, Object> figures = receiver.figures();
      assertEquals(3L, receiver.events());
      assertEquals(1L, figures.get("duplicates"));
      assertEquals(1L, figures.get("refusedSignatures"));
      @SuppressWarnings("unchecked")
      Map<String, Object> latency = (Map<String, Object>) figures.get("publishToDelivery");
      assertEquals(3L, latency.get("count"));
      assertTrue((double) latency.get("p50Millis") >= 5.0, latency::toString);
    }
  }

  private int post(WebhookReceiver receiver, String id, String body, String secret) throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url()))
        .header("webhook-id", id)
        .header("webhook-timestamp", ts)
        .header("webhook-signature", "v1," + sign(WebhookReceiver.secretBytes(secret), id, ts, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String sign(byte[] key, String id, String ts, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
