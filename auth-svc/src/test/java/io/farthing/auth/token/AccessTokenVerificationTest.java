package io.farthing.auth.token;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.signIn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of bad tokens, each presented to a route protected exactly the way every Farthing
 * service protects its own: SmallRye JWT against auth-svc's JWKS, ES256, iss, aud and typ pinned.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class AccessTokenVerificationTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Inject SigningKeyService signingKeys;

  @ConfigProperty(name = "auth.jwt.issuer")
  String issuer;

  @ConfigProperty(name = "auth.jwt.audience")
  String audience;

  @ConfigProperty(name = "auth.jwt.jwks-url")
  String jwksUrl;

  @Test
  void aWellFormedTokenSignedByTheActiveKeyIsAccepted() throws Exception {
    Api.TestUser user = aUser();
    as(forge(user.id(), claims -> {}, header -> {})).get("/v1/me").then().statusCode(200)
        .body("id", equalTo(user.id()));
  }

  @Test
  void anIssuedTokenVerifiesAgainstTheJwksWithAStandardLibrary() throws Exception {
    Api.TestUser user = aUser();
    String token = signIn(user).accessToken();

    JsonWebKeySet jwks = new JsonWebKeySet(given().get("/.well-known/jwks.json").asString());
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
            .setExpectedIssuer(issuer)
            .setExpectedAudience(audience)
            .setRequireExpirationTime()
            .build();
    JwtClaims claims = consumer.processToClaims(token);

    assertEquals(user.id(), claims.getSubject());
    long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
    assertEquals(true, lifetime <= 15 * 60, "access tokens live at most 15 minutes");
  }

  static Stream<Arguments> badTokens() {
    return Stream.of(
        Arguments.of("alg none", "none"),
        Arguments.of("alg None", "None"),
        Arguments.of("alg NONE", "NONE"),
        Arguments.of("alg nOnE", "nOnE"),
        Arguments.of("HS256 keyed with the public JWK", "hs256-jwk"),
        Arguments.of("HS256 keyed with the public key's DER", "hs256-der"),
        Arguments.of("expired", "expired"),
        Arguments.of("not yet valid", "not-yet-valid"),
        Arguments.of("wrong audience", "wrong-aud"),
        Arguments.of("wrong issuer", "wrong-iss"),
        Arguments.of("unknown kid, signed by a stranger's key", "unknown-kid"),
        Arguments.of("known kid, signed by a stranger's key", "stranger-key"),
        Arguments.of("tampered payload", "tampered"),
        Arguments.of("step-up token used as access token", "typ-stepup"),
        Arguments.of("no typ header", "no-typ"),
        Arguments.of("garbage", "garbage"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("badTokens")
  void badTokenIsRefusedWithProblemJson(String description, String kind) throws Exception {
    Api.TestUser user = aUser();
    String token = badToken(kind, user.id());
    as(token)
        .get("/v1/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://problems.farthing.io/unauthenticated"));
  }

  private String badToken(String kind, String userId) throws Exception {
    long now = Instant.now().getEpochSecond();
    return switch (kind) {
      case "none", "None", "NONE", "nOnE" -> unsigned(kind, userId);
      case "hs256-jwk" -> hmacSigned(userId, publishedJwk().getBytes(StandardCharsets.UTF_8));
      case "hs256-der" -> hmacSigned(userId, publishedKeyDer());
      case "expired" -> forge(userId, c -> { c.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now - 600));
          c.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now - 1500)); }, h -> {});
      case "not-yet-valid" -> forge(userId, c -> c.setNotBefore(org.jose4j.jwt.NumericDate.fromSeconds(now + 600)), h -> {});
      case "wrong-aud" -> forge(userId, c -> c.setAudience("someone-else"), h -> {});
      case "wrong-iss" -> forge(userId, c -> c.setIssuer("https://evil.example"), h -> {});
      case "unknown-kid" -> strangerSigned(userId, "kid-nobody-published");
      case "stranger-key" -> strangerSigned(userId, activeKey().kid());
      case "tampered" -> tamper(forge(userId, c -> {}, h -> {}), aUser().id());
      case "typ-stepup" -> forge(userId, c -> {}, h -> h.setHeader("typ", TokenIssuer.STEP_UP_TYP));
      case "no-typ" -> forge(userId, c -> {}, h -> h.getHeaders().setObjectHeaderValue("typ", null));
      case "garbage" -> "not.a.jwt";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Signs claims with the real active key, after letting the test bend claims or headers. */
  private String forge(String userId, Consumer<JwtClaims> claims, Consumer<JsonWebSignature> header)
      throws Exception {
    SigningKeyService.ActiveKey key = activeKey();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(validClaims(userId, claims).toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    jws.setKeyIdHeaderValue(key.kid());
    jws.setHeader("typ", TokenIssuer.ACCESS_TYP);
    header.accept(jws);
    jws.setKey(key.privateKey());
    return jws.getCompactSerialization();
  }

  private JwtClaims validClaims(String userId, Consumer<JwtClaims> bend) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setAudience(audience);
    claims.setSubject(userId);
    claims.setIssuedAtToNow();
    claims.setNotBeforeMinutesInThePast(1);
    claims.setExpirationTimeMinutesInTheFuture(10);
    claims.setGeneratedJwtId();
    claims.setStringListClaim("groups", List.of("user"));
    bend.accept(claims);
    return claims;
  }

  private String unsigned(String alg, String userId) throws Exception {
    String header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + activeKey().kid() + "\"}";
    return b64(header) + "." + b64(validClaims(userId, c -> {}).toJson()) + ".";
  }

  private String hmacSigned(String userId, byte[] secret) throws Exception {
    String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"" + activeKey().kid() + "\"}";
    String signingInput = b64(header) + "." + b64(validClaims(userId, c -> {}).toJson());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private String strangerSigned(String userId, String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair stranger = generator.generateKeyPair();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(validClaims(userId, c -> {}).toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    jws.setKeyIdHeaderValue(kid);
    jws.setHeader("typ", TokenIssuer.ACCESS_TYP);
    jws.setKey(stranger.getPrivate());
    return jws.getCompactSerialization();
  }

  /** Swaps the payload for one naming another user, keeping the original signature. */
  private static String tamper(String token, String otherUserId) {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged = payload.replaceAll("\"sub\":\"[^\"]+\"", "\"sub\":\"" + otherUserId + "\"");
    return parts[0] + "." + b64(forged) + "." + parts[2];
  }

  private String publishedJwk() {
    return given().get("/.well-known/jwks.json").jsonPath().getString("keys[0]");
  }

  private byte[] publishedKeyDer() throws Exception {
    return new HttpsJwks(jwksUrl).getJsonWebKeys().get(0).getKey().getEncoded();
  }

  private SigningKeyService.ActiveKey activeKey() throws Exception {
    try {
      return VertxContextSupport.subscribeAndAwait(() -> signingKeys.activeKey());
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
