package io.farthing.auth.device;

import io.farthing.common.ApiException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Device public keys: EC P-256 only (what phones' secure hardware makes: Secure Enclave,
 * StrongBox), as X.509 SubjectPublicKeyInfo, and ECDSA-SHA256 signatures in DER.
 */
public final class DevicePublicKeys {
  public static final String INVALID_PUBLIC_KEY = "INVALID_PUBLIC_KEY";
  /** A P-256 SubjectPublicKeyInfo is 91 bytes; explicit curve parameters make it longer. */
  private static final int MAX_KEY_BYTES = 1024;
  /** A DER ECDSA P-256 signature is at most 72 bytes. */
  private static final int MAX_SIGNATURE_BYTES = 128;
  private static final ECParameterSpec P256 = p256();

  private DevicePublicKeys() {}

  /**
   * Parses a base64 SubjectPublicKeyInfo and returns its canonical DER encoding; anything but a
   * valid point on P-256 is INVALID_PUBLIC_KEY.
   */
  public static byte[] parseP256(String base64) {
    byte[] encoded = decodeBase64(base64);
    if (encoded == null || encoded.length == 0 || encoded.length > MAX_KEY_BYTES) {
      throw invalidKey("publicKey is not base64 of an X.509 SubjectPublicKeyInfo");
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalidKey("publicKey must be an EC P-256 key");
    }
    if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams()) || !onCurve(ec.getW())) {
      throw invalidKey("publicKey must be an EC P-256 key");
    }
    return ec.getEncoded();
  }

  /** True when {@code derSignature} is a valid ECDSA-SHA256 signature of the UTF-8 value. */
  public static boolean verify(byte[] storedKey, String signedValue, byte[] derSignature) {
    if (derSignature == null || derSignature.length == 0
        || derSignature.length > MAX_SIGNATURE_BYTES || signedValue == null) {
      return false;
    }
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(storedKey));
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(signedValue.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(derSignature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A malformed DER signature is simply not a valid one.
      return false;
    }
  }

  /** Standard or URL-safe base64; null when it is neither. */
  public static byte[] decodeBase64(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.strip();
    try {
      return Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException notStandard) {
      try {
        return Base64.getUrlDecoder().decode(trimmed);
      } catch (IllegalArgumentException notUrlSafe) {
        return null;
      }
    }
  }

  private static boolean isP256(ECParameterSpec params) {
    return params != null
        && params.getCurve().equals(P256.getCurve())
        && params.getGenerator().equals(P256.getGenerator())
        && params.getOrder().equals(P256.getOrder())
        && params.getCofactor() == P256.getCofactor();
  }

  /** y² = x³ + ax + b (mod p): refuses points that are not on the curve at all. */
  private static boolean onCurve(ECPoint point) {
    if (point == null || point.equals(ECPoint.POINT_INFINITY)) {
      return false;
    }
    EllipticCurve curve = P256.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 is not available", e);
    }
  }

  private static ApiException invalidKey(String message) {
    return ApiException.invalid(message, INVALID_PUBLIC_KEY);
  }
}
