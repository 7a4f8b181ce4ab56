package io.farthing.notify.support;

import io.farthing.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * A user's access token that expires in a few seconds, signed with the test run's key that
 * {@link TestTokens} made (its files under target/test-jwt), for tests of what happens at expiry.
 */
public final class ShortLivedTokens {
  private ShortLivedTokens() {}

  public static String user(UUID userId, long ttlSeconds) {
    TestTokens.jwksFile();
    try {
      Path dir = Path.of("target", "test-jwt");
      KeyFactory factory = KeyFactory.getInstance("EC");
      var privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("private.der"))));
      var publicKey = (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve("public.der"))));
      JwtClaims claims = new JwtClaims();
      long now = Instant.now().getEpochSecond();
      claims.setIssuer(TestTokens.ISSUER);
      claims.setAudience(TestTokens.AUDIENCE);
      claims.setSubject(userId.toString());
      claims.setJwtId(UUID.randomUUID().toString());
      claims.setIssuedAt(NumericDate.fromSeconds(now));
      claims.setNotBefore(NumericDate.fromSeconds(now));
      claims.setExpirationTime(NumericDate.fromSeconds(now + ttlSeconds));
      claims.setStringListClaim("groups", List.of("user"));
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(privateKey);
      jws.setKeyIdHeaderValue(new EllipticCurveJsonWebKey(publicKey).calculateBase64urlEncodedThumbprint("SHA-256"));
      jws.setHeader("typ", "at+jwt");
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      return jws.getCompactSerialization();
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a short-lived test token", e);
    }
  }
}
