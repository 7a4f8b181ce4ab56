package io.farthing.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/** The typ pin, and the memory of verified tokens that must never accept what it would refuse. */
class AccessTokenPrincipalFactoryTest {
  private static final String ISSUER = "https://auth.farthing.local";
  private final KeyPair keys = ecKeys();
  private final AccessTokenPrincipalFactory factory = new AccessTokenPrincipalFactory();
  private final JWTAuthContextInfo info = info();

  @Test
  void answersATokenItVerifiedFromMemory() throws Exception {
    String token = token("at+jwt", 600);
    JWTCallerPrincipal first = factory.parse(token, info);
    assertSame(first, factory.parse(token, info));
    assertEquals("fcl_payments", first.getSubject());
  }

  @Test
  void aTokenWithAChangedByteIsVerifiedAndRefusedEvenAfterTheOriginalWasAccepted() throws Exception {
    String token = token("at+jwt", 600);
    factory.parse(token, info);
    char last = token.charAt(token.length() - 2);
    String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    assertThrows(ParseException.class, () -> factory.parse(tampered, info));
  }

  @Test
  void refusesATokenThatIsNotAnAccessToken() {
    assertThrows(ParseException.class, () -> factory.parse(token("stepup+jwt", 600), info));
  }

  @Test
  void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
    // exp is in whole seconds: 2 s from now is at least 1 s away, enough for the first parse on a
    // busy machine; 3.1 s later it has surely passed.
    String token = token("at+jwt", 2);
    factory.parse(token, info);
    Thread.sleep(3_100);
    assertThrows(ParseException.class, () -> factory.parse(token, info));
  }

  private String token(String typ, long ttlSeconds) {
    try {
      JwtClaims claims = new JwtClaims();
      long now = Instant.now().getEpochSecond();
      claims.setIssuer(ISSUER);
      claims.setAudience("farthing");
      claims.setSubject("fcl_payments");
      claims.setJwtId(java.util.UUID.randomUUID().toString());
      claims.setIssuedAt(NumericDate.fromSeconds(now));
      claims.setExpirationTime(NumericDate.fromSeconds(now + ttlSeconds));
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(keys.getPrivate());
      jws.setHeader("typ", typ);
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      return jws.getCompactSerialization();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JWTAuthContextInfo info() {
    JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
    context.setExpectedAudience(Set.of("farthing"));
    context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256));
    context.setClockSkew(0);
    return context;
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
