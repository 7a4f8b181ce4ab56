package io.farthing.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** notify-svc's signer against receivers written from the spec (Java here, Node's crypto too). */
class StandardWebhooksSignatureTest {
  private static final byte[] BODY =
      "{\"type\":\"charge.succeeded\",\"timestamp\":\"2026-12-02T01:00:00Z\",\"data\":{\"amountMinor\":120}}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void aSecretIsWhsecAndBase64OfAtLeast24RandomBytes() {
    byte[] one = WebhookSignature.newSecret(32);
    byte[] two = WebhookSignature.newSecret(32);
    String shown = WebhookSignature.display(one);

    assertTrue(shown.startsWith("whsec_"));
    assertEquals(32, Base64.getDecoder().decode(shown.substring(6)).length);
    assertFalse(java.util.Arrays.equals(one, two));
  }

  @Test
  void aReceiverHoldingTheSecretVerifiesAndAnyTamperingIsRejected() {
    byte[] secret = WebhookSignature.newSecret(32);
    StandardWebhooksVerifier receiver = new StandardWebhooksVerifier(WebhookSignature.display(secret));
    long ts = Instant.now().getEpochSecond();
    String header = WebhookSignature.header(List.of(secret), "evt_1", ts, BODY);
    byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("120", "999").getBytes(StandardCharsets.UTF_8);

    assertTrue(receiver.verify("evt_1", Long.toString(ts), header, BODY, Instant.now()));
    assertFalse(receiver.verify("evt_1", Long.toString(ts), header, tampered, Instant.now()), "body changed");
    assertFalse(receiver.verify("evt_2", Long.toString(ts), header, BODY, Instant.now()), "id changed");
    assertFalse(receiver.verify("evt_1", Long.toString(ts + 1), header, BODY, Instant.now()), "timestamp changed");
    assertFalse(
        new StandardWebhooksVerifier(WebhookSignature.display(WebhookSignature.newSecret(32)))
            .verify("evt_1", Long.toString(ts), header, BODY, Instant.now()),
        "another secret");
  }

  @Test
  void aTimestampOutsideFiveMinutesIsRejectedEvenWithAGoodSignature() {
    byte[] secret = WebhookSignature.newSecret(24);
    StandardWebhooksVerifier receiver = new StandardWebhooksVerifier(WebhookSignature.display(secret));
    long old = Instant.now().minusSeconds(301).getEpochSecond();
    long future = Instant.now().plusSeconds(301).getEpochSecond();
    long recent = Instant.now().minusSeconds(290).getEpochSecond();

    assertFalse(receiver.verify("m", Long.toString(old), WebhookSignature.header(List.of(secret), "m", old, BODY), BODY, Instant.now()));
    assertFalse(receiver.verify("m", Long.toString(future), WebhookSignature.header(List.of(secret), "m", future, BODY), BODY, Instant.now()));
    assertTrue(receiver.verify("m", Long.toString(recent), WebhookSignature.header(List.of(secret), "m", recent, BODY), BODY, Instant.now()));
  }

  @Test
  void duringRotationEitherSecretVerifiesTheTwoSignatureHeader() {
    byte[] fresh = WebhookSignature.newSecret(32);
    byte[] previous = WebhookSignature.newSecret(32);
    long ts = Instant.now().getEpochSecond();
    String header = WebhookSignature.header(List.of(fresh, previous), "msg", ts, BODY);

    assertEquals(2, header.split(" ").length);
    assertTrue(new StandardWebhooksVerifier(WebhookSignature.display(fresh)).verify("msg", Long.toString(ts), header, BODY, Instant.now()));
    assertTrue(new StandardWebhooksVerifier(WebhookSignature.display(previous)).verify("msg", Long.toString(ts), header, BODY, Instant.now()));
  }

  @Test
  void nodesBuiltInCryptoAgreesWithTheSigner() {
    assumeTrue(NodeVerifier.available(), "node is not on PATH");
    byte[] secret = WebhookSignature.newSecret(32);
    byte[] other = WebhookSignature.newSecret(32);
    long ts = Instant.now().getEpochSecond();
    String header = WebhookSignature.header(List.of(secret, other), "evt_9", ts, BODY);
    String shown = WebhookSignature.display(secret);

    assertTrue(NodeVerifier.verify(shown, "evt_9", Long.toString(ts), header, BODY));
    assertTrue(NodeVerifier.verify(WebhookSignature.display(other), "evt_9", Long.toString(ts), header, BODY));
    assertFalse(NodeVerifier.verify(shown, "evt_8", Long.toString(ts), header, BODY));
    assertFalse(NodeVerifier.verify(shown, "evt_9", Long.toString(ts), header, "{}".getBytes(StandardCharsets.UTF_8)));
    long old = ts - 600;
    assertFalse(NodeVerifier.verify(shown, "evt_9", Long.toString(old), WebhookSignature.header(List.of(secret), "evt_9", old, BODY), BODY));
  }
}
