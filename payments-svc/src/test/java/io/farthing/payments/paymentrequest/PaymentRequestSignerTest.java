package io.farthing.payments.paymentrequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The payload format and its signature, without the service around it. */
class PaymentRequestSignerTest {
  static final byte[] KEY_1 = key(1);
  static final byte[] KEY_2 = key(2);
  static final Instant EXPIRES = Instant.parse("2031-05-06T07:08:09Z");

  static byte[] key(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i);
    }
    return key;
  }

  final PaymentRequestSigner signer = new PaymentRequestSigner("1", Map.of("1", KEY_1));

  @Test
  void aSignedPayloadVerifiesToTheRequestAndItsExpiry() {
    UUID id = Ids.newId();
    String payload = signer.sign(id, EXPIRES);

    PaymentRequestSigner.Payload verified = signer.verify(payload);

    assertEquals(id, verified.requestId());
    assertEquals(EXPIRES, verified.expiresAt());
    assertEquals("1", verified.keyId());
    assertTrue(payload.startsWith("farthing:pr1."), payload);
    assertTrue(payload.length() < 100, "compact enough for a small QR code: " + payload.length());
    assertEquals(payload, signer.sign(id, EXPIRES), "the same request always has the same payload");
  }

  @Test
  void everyAlteredCharacterIsRefused() {
    String payload = signer.sign(Ids.newId(), EXPIRES);
    for (int i = "farthing:pr1.".length(); i < payload.length(); i++) {
      char c = payload.charAt(i);
      if (c == '.') {
        continue;
      }
      String altered = payload.substring(0, i) + (c == 'A' ? 'B' : 'A') + payload.substring(i + 1);
      assertInvalid(altered);
    }
  }

  @Test
  void aPayloadWithAnotherRequestIdButTheOldSignatureIsRefused() {
    String first = signer.sign(Ids.newId(), EXPIRES);
    String second = signer.sign(Ids.newId(), EXPIRES);
    String spliced = second.substring(0, second.lastIndexOf('.')) + first.substring(first.lastIndexOf('.'));
    assertInvalid(spliced);
  }

  @Test
  void malformedTextIsRefusedWithTheSameReason() {
    String good = signer.sign(Ids.newId(), EXPIRES);
    for (String bad :
        new String[] {
          null, "", "farthing:pr1.", "farthing:pr1..", "farthing:pr2." + good.substring(13), good + "=", good + ".x",
          good.replace("farthing:pr1.", "FARTHING:PR1."), "farthing:pr1.AAAA.BBBB", "farthing:pr1.!!!!.????",
          good + "A".repeat(600), "https://evil.example/" + good
        }) {
      assertInvalid(bad);
    }
  }

  @Test
  void aPayloadSignedWithAnotherKeyIsRefused() {
    PaymentRequestSigner other = new PaymentRequestSigner("1", Map.of("1", KEY_2));
    assertInvalid(other.sign(Ids.newId(), EXPIRES));
  }

  @Test
  void afterRotationTheNewKeySignsAndTheOldKeyStillVerifies() {
    UUID id = Ids.newId();
    String printedBefore = signer.sign(id, EXPIRES);
    PaymentRequestSigner rotated = new PaymentRequestSigner("2", Map.of("1", KEY_1, "2", KEY_2));

    String signedAfter = rotated.sign(id, EXPIRES);

    assertEquals("2", rotated.verify(signedAfter).keyId());
    assertEquals(id, rotated.verify(printedBefore).requestId());
    // Once the old key is withdrawn, what it signed no longer verifies.
    PaymentRequestSigner withdrawn = new PaymentRequestSigner("2", Map.of("2", KEY_2));
    assertInvalid(printedBefore, withdrawn);
  }

  @Test
  void refusesShortKeysAndBadKeyIds() {
    assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner("1", Map.of("1", new byte[31])));
    assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner("toolongid", Map.of("toolongid", KEY_1)));
    assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner("1", Map.of("2", KEY_1)));
  }

  @Test
  void thePayloadIsKeyIdRequestIdAndExpiry() {
    String payload = signer.sign(Ids.newId(), EXPIRES);
    String body = payload.substring("farthing:pr1.".length(), payload.lastIndexOf('.'));
    byte[] raw = Base64.getUrlDecoder().decode(body);
    assertEquals(1 + 1 + 16 + 8, raw.length);
    assertEquals("1", new String(raw, 1, 1, StandardCharsets.US_ASCII));
  }

  /** The configuration as the keys come from it. */
  record Config(Optional<String> signingKey, String signingKeyId, Optional<String> previousKeys, boolean generateMissingKey)
      implements PaymentRequestsConfig {
    @Override
    public String baseUrl() {
      return "https://pay.farthing.local/r/";
    }

    @Override
    public Duration minExpiry() {
      return Duration.ofMinutes(1);
    }

    @Override
    public Duration maxExpiry() {
      return Duration.ofDays(30);
    }

    @Override
    public Duration defaultExpiry() {
      return Duration.ofMinutes(15);
    }

    @Override
    public int maxReferenceLength() {
      return 100;
    }
  }

  static String b64(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  @Test
  void withoutAKeyItRefusesToStartUnlessAllowedToGenerateOne() {
    var missing = new Config(Optional.empty(), "1", Optional.empty(), false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner(missing));
    assertTrue(e.getMessage().contains("FARTHING_PAYMENT_REQUEST_KEY"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner(new Config(Optional.of(" "), "1", Optional.empty(), false)));

    PaymentRequestSigner generated = new PaymentRequestSigner(new Config(Optional.empty(), "1", Optional.empty(), true));
    UUID id = Ids.newId();
    assertEquals(id, generated.verify(generated.sign(id, EXPIRES)).requestId());
    assertInvalid(generated.sign(id, EXPIRES));
  }

  @Test
  void keysFromConfigurationRotateByKeyId() {
    PaymentRequestSigner before = new PaymentRequestSigner(new Config(Optional.of(b64(KEY_1)), "k1", Optional.empty(), false));
    PaymentRequestSigner after =
        new PaymentRequestSigner(
            new Config(Optional.of(b64(KEY_2)), "k2", Optional.of("k1:" + b64(KEY_1) + ", old:" + b64(key(9))), false));
    UUID id = Ids.newId();

    assertEquals("k1", after.verify(before.sign(id, EXPIRES)).keyId());
    assertEquals("k2", after.verify(after.sign(id, EXPIRES)).keyId());
    assertInvalid(after.sign(id, EXPIRES), before);
  }

  @Test
  void malformedKeysInConfigurationStopTheStart() {
    for (Config bad :
        new Config[] {
          new Config(Optional.of("not base64!"), "1", Optional.empty(), true),
          new Config(Optional.of(b64(new byte[16])), "1", Optional.empty(), true),
          new Config(Optional.of(b64(KEY_1)), "1", Optional.of("no-colon"), true),
          new Config(Optional.of(b64(KEY_1)), "1", Optional.of("2:" + b64(new byte[8])), true),
          new Config(Optional.of(b64(KEY_1)), "bad id!", Optional.empty(), true),
        }) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> new PaymentRequestSigner(bad));
      assertFalse(e.getMessage().contains(b64(KEY_1)), "a key never appears in a message");
    }
  }

  private void assertInvalid(String text) {
    assertInvalid(text, signer);
  }

  private static void assertInvalid(String text, PaymentRequestSigner signer) {
    ApiException e = assertThrows(ApiException.class, () -> signer.verify(text), String.valueOf(text));
    assertEquals(ApiException.Kind.INVALID, e.kind());
    assertEquals("INVALID_PAYMENT_REQUEST", e.reason());
  }
}
