package io.farthing.bench.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Access tokens for a service under load, signed as auth-svc signs them (ES256, kid = the key's
 * thumbprint, header typ {@code at+jwt}, iss, aud, groups and scope) with a key kept in a
 * directory whose public half is a JWKS file the service is pointed at. Same claims and the same
 * files ({@code private.der}, {@code public.der}, {@code jwks.json}) as farthing-testing's
 * {@code TestTokens}, which keeps its key in a fixed {@code target/test-jwt} and is test-scoped;
 * a key directory written by either works with the other.
 */
public final class BenchTokens {
  public static final String ISSUER = "https://auth.farthing.local";
  public static final String AUDIENCE = "farthing";

  private final Path dir;
  private final KeyPair keys;

  private BenchTokens(Path dir, KeyPair keys) {
    this.dir = dir;
    this.keys = keys;
  }

  /** The key in {@code dir}, made (with its JWKS file) on first use. */
  public static BenchTokens in(Path dir) {
    try {
      Files.createDirectories(dir);
      return new BenchTokens(dir, loadOrCreate(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path jwksFile() {
    return dir.resolve("jwks.json").toAbsolutePath();
  }

  /** A partner or internal client's token: sub = client id, scopes as scope + groups. */
  public String client(String clientId, Duration ttl, String... scopes) {
    Instant now = Instant.now();
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setAudience(AUDIENCE);
    claims.setSubject(clientId);
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setNotBefore(NumericDate.fromSeconds(now.getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(now.plus(ttl).getEpochSecond()));
    List<String> groups = new ArrayList<>(List.of(scopes));
    groups.add("partner");
    claims.setStringListClaim("groups", groups);
    claims.setStringClaim("scope", String.join(" ", scopes));
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(keys.getPrivate());
      jws.setKeyIdHeaderValue(kid((ECPublicKey) keys.getPublic()));
      jws.setHeader("typ", "at+jwt");
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static String kid(ECPublicKey key) {
    return new EllipticCurveJsonWebKey(key).calculateBase64urlEncodedThumbprint("SHA-256");
  }

  private static KeyPair loadOrCreate(Path dir) throws IOException {
    try (FileChannel channel =
            FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      Path privateFile = dir.resolve("private.der");
      Path publicFile = dir.resolve("public.der");
      KeyFactory factory = KeyFactory.getInstance("EC");
      if (Files.exists(privateFile) && Files.exists(publicFile)) {
        return new KeyPair(
            factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
            factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile))));
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey((ECPublicKey) pair.getPublic());
      jwk.setKeyId(kid((ECPublicKey) pair.getPublic()));
      jwk.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      jwk.setUse("sig");
      Files.writeString(
          dir.resolve("jwks.json"), new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      Files.write(privateFile, pair.getPrivate().getEncoded());
      Files.write(publicFile, pair.getPublic().getEncoded());
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make or read the signing key in " + dir, e);
    }
  }
}
