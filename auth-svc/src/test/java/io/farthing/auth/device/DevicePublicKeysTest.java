package io.farthing.auth.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DevicePublicKeysTest {

  @Test
  void acceptsP256InStandardAndUrlSafeBase64() throws Exception {
    KeyPair keys = p256();
    byte[] encoded = keys.getPublic().getEncoded();
    assertArrayEquals(encoded, DevicePublicKeys.parseP256(Base64.getEncoder().encodeToString(encoded)));
    assertArrayEquals(encoded, DevicePublicKeys.parseP256(Base64.getUrlEncoder().withoutPadding().encodeToString(encoded)));
  }

  @Test
  void refusesAPointThatIsNotOnTheCurve() throws Exception {
    byte[] encoded = p256().getPublic().getEncoded();
    encoded[encoded.length - 1] ^= 0x01; // changes y: (x, y') is not on P-256
    ApiException refusal = assertThrows(ApiException.class,
        () -> DevicePublicKeys.parseP256(Base64.getEncoder().encodeToString(encoded)));
    assertEquals(DevicePublicKeys.INVALID_PUBLIC_KEY, refusal.reason());
  }

  @Test
  void refusesEmptyAndOversizedInput() {
    assertThrows(ApiException.class, () -> DevicePublicKeys.parseP256(""));
    assertThrows(ApiException.class,
        () -> DevicePublicKeys.parseP256(Base64.getEncoder().encodeToString(new byte[4096])));
  }

  @Test
  void verifiesOnlyTheSignedValueAndWellFormedSignatures() throws Exception {
    KeyPair keys = p256();
    byte[] stored = keys.getPublic().getEncoded();
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update("nonce".getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign();

    assertTrue(DevicePublicKeys.verify(stored, "nonce", signature));
    assertFalse(DevicePublicKeys.verify(stored, "nonce2", signature));
    assertFalse(DevicePublicKeys.verify(stored, "nonce", new byte[] {0x30, 0x02, 0x01}));
    assertFalse(DevicePublicKeys.verify(stored, "nonce", new byte[0]));
    assertFalse(DevicePublicKeys.verify(p256().getPublic().getEncoded(), "nonce", signature));
  }

  @Test
  void base64DecodingIsStrict() {
    assertNull(DevicePublicKeys.decodeBase64("%%%"));
    assertNull(DevicePublicKeys.decodeBase64(" "));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, DevicePublicKeys.decodeBase64("-_8"));
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
