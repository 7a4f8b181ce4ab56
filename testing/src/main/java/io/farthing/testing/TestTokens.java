package io.farthing.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Access tokens for the tests of a service that verifies auth-svc's tokens, signed the way
 * auth-svc signs them (ES256, kid, header typ {@code at+jwt}, iss, aud, groups, scope) with a
 * key made for the test run. The public half is published as a JWKS file that {@link TestJwks}
 * points the service at: the service under test verifies exactly as in production, only the
 * key's origin differs. (auth-svc itself is exercised for real by the end-to-end tests.)
 */
public final class TestTokens {
  public static final String ISSUER = "https://auth.farthing.local";
  public static final String AUDIENCE = "farthing";
  private static final Path DIR = Path.of("target", "test-jwt");
  private static volatile KeyPair keys;

  private TestTokens() {}

  /** A partner or internal client's token: sub = client id, scopes as scope + groups. */
  public static String client(String clientId, String... scopes) {
    JwtClaims claims = base(clientId, Duration.ofMinutes(15));
    List<String> groups = new java.util.ArrayList<>(List.of(scopes));
    groups.add("partner");
    claims.setStringListClaim("groups", groups);
    claims.setStringClaim("scope", String.join(" ", scopes));
    return sign(claims);
  }

  /** A user's token with the given roles (user, admin, support). */
  public static String user(UUID userId, String... roles) {
    JwtClaims claims = base(userId.toString(), Duration.ofMinutes(15));
    claims.setStringListClaim("groups", List.of(roles));
    claims.setStringListClaim("amr", List.of("pwd"));
    return sign(claims);
  }

  public static String admin() {
    return user(UUID.randomUUID(), "user", "admin");
  }

  /** A token that expired a minute ago. */
  public static String expiredClient(String clientId, String... scopes) {
    JwtClaims claims = base(clientId, Duration.ofMinutes(-1));
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(Instant.now().minusSeconds(900).getEpochSecond()));
    claims.setNotBefore(org.jose4j.jwt.NumericDate.fromSeconds(Instant.now().minusSeconds(900).getEpochSecond()));
    claims.setStringListClaim("groups", List.of(scopes));
    claims.setStringClaim("scope", String.join(" ", scopes));
    return sign(claims);
  }

  /** The JWKS file with the public key, created on first use. */
  public static Path jwksFile() {
    keys();
    return DIR.resolve("jwks.json").toAbsolutePath();
  }

  private static JwtClaims base(String subject, Duration ttl) {
    JwtClaims claims = new JwtClaims();
    Instant now = Instant.now();
    claims.setIssuer(ISSUER);
    claims.setAudience(AUDIENCE);
    claims.setSubject(subject);
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setNotBefore(org.jose4j.jwt.NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now.plus(ttl).getEpochSecond()));
    return claims;
  }

  private static String sign(JwtClaims claims) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(keys().getPrivate());
      jws.setKeyIdHeaderValue(kid());
      jws.setHeader("typ", "at+jwt");
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String kid() {
    return new EllipticCurveJsonWebKey((java.security.interfaces.ECPublicKey) keys().getPublic())
        .calculateBase64urlEncodedThumbprint("SHA-256");
  }

  /** One key pair per module build, shared by the test resource and the tests through files. */
  private static KeyPair keys() {
    KeyPair known = keys;
    if (known != null) {
      return known;
    }
    synchronized (TestTokens.class) {
      if (keys == null) {
        keys = loadOrCreate();
      }
      return keys;
    }
  }

  private static KeyPair loadOrCreate() {
    try {
      Files.createDirectories(DIR);
      try (FileChannel channel =
              FileChannel.open(DIR.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        Path privateFile = DIR.resolve("private.der");
        Path publicFile = DIR.resolve("public.der");
        KeyFactory factory = KeyFactory.getInstance("EC");
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
          PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
          PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile)));
          return new KeyPair(publicKey, privateKey);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        EllipticCurveJsonWebKey jwk =
            new EllipticCurveJsonWebKey((java.security.interfaces.ECPublicKey) pair.getPublic());
        jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        jwk.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jwk.setUse("sig");
        Files.writeString(
            DIR.resolve("jwks.json"),
            new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        Files.write(privateFile, pair.getPrivate().getEncoded());
        Files.write(publicFile, pair.getPublic().getEncoded());
        return pair;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test signing key", e);
    }
  }
}
