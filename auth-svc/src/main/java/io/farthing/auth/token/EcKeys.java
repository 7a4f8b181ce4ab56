package io.farthing.auth.token;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** ES256 (ECDSA P-256) key pairs and their JWK form. */
final class EcKeys {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private EcKeys() {}

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation unavailable", e);
    }
  }

  static PrivateKey privateKey(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored signing key is not a valid EC key", e);
    }
  }

  /** The JWK thumbprint (RFC 7638) serves as kid: stable, unique, derived from the key. */
  static String thumbprint(ECPublicKey key) {
    String canonical =
        "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}".formatted(x(key), y(key));
    try {
      return B64URL.encodeToString(
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  static String publicJwk(ECPublicKey key, String kid) {
    return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\",\"alg\":\"ES256\",\"use\":\"sig\"}"
        .formatted(x(key), y(key), kid);
  }

  private static String x(ECPublicKey key) {
    return B64URL.encodeToString(fixed32(key.getW().getAffineX()));
  }

  private static String y(ECPublicKey key) {
    return B64URL.encodeToString(fixed32(key.getW().getAffineY()));
  }

  /** Coordinates are exactly 32 big-endian bytes in a JWK: strip a sign byte, left-pad zeros. */
  private static byte[] fixed32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
