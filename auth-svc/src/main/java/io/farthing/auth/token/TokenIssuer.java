package io.farthing.auth.token;

import io.farthing.common.security.AccessTokenPrincipalFactory;
import io.farthing.common.Ids;
import io.farthing.auth.config.AuthConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Signs every JWT auth-svc issues, with the active ES256 key and its kid. The header {@code typ}
 * says what a token is for, and verifiers pin it, so one kind can never stand in for another.
 */
@ApplicationScoped
public class TokenIssuer {
  /** User and partner access tokens (RFC 9068). */
  public static final String ACCESS_TYP = AccessTokenPrincipalFactory.ACCESS_TYP;
  /** Step-up tokens: single use, bound to one purpose, never accepted as access tokens. */
  public static final String STEP_UP_TYP = "stepup+jwt";
  public static final String STEP_UP_AUDIENCE_SUFFIX = "/step-up";
  public static final String PARTNER_ROLE = "partner";

  public record IssuedToken(String token, String jti, Instant expiresAt) {
    public long expiresInSeconds() {
      return Math.max(0, Duration.between(Instant.now(), expiresAt).getSeconds());
    }
  }

  private final SigningKeyService signingKeys;
  private final AuthConfig.Jwt config;

  public TokenIssuer(SigningKeyService signingKeys, AuthConfig config) {
    this.signingKeys = signingKeys;
    this.config = config.jwt();
  }

  /** A person's access token; {@code amr} records how they proved who they are. */
  public Uni<IssuedToken> userAccessToken(UUID userId, Set<String> roles, Set<String> amr) {
    Instant now = Instant.now();
    String jti = Ids.newId().toString();
    Instant expiresAt = now.plus(config.accessTokenTtl());
    JwtClaimsBuilder claims =
        base(userId.toString(), config.audience(), now, expiresAt, jti)
            .groups(roles)
            .claim("amr", amr);
    return sign(claims, ACCESS_TYP).map(token -> new IssuedToken(token, jti, expiresAt));
  }

  /** A partner client's token from the client-credentials grant, carrying its scopes. */
  public Uni<IssuedToken> partnerAccessToken(String clientId, Set<String> scopes) {
    Instant now = Instant.now();
    String jti = Ids.newId().toString();
    Instant expiresAt = now.plus(config.partnerTokenTtl());
    Set<String> groups = new TreeSet<>(scopes);
    groups.add(PARTNER_ROLE);
    JwtClaimsBuilder claims =
        base(clientId, config.audience(), now, expiresAt, jti)
            .groups(groups)
            .claim("client_id", clientId)
            .claim("scope", String.join(" ", new TreeSet<>(scopes)));
    return sign(claims, ACCESS_TYP).map(token -> new IssuedToken(token, jti, expiresAt));
  }

  /** A step-up token bound to {@code purpose}; auth-svc redeems it once. */
  public Uni<IssuedToken> stepUpToken(
      UUID userId, String purpose, String challengeId, String acr, Instant notAfter) {
    Instant now = Instant.now();
    String jti = Ids.newId().toString();
    Instant expiresAt = now.plus(config.stepUpTokenTtl());
    if (notAfter != null && notAfter.isBefore(expiresAt)) {
      expiresAt = notAfter;
    }
    JwtClaimsBuilder claims =
        base(userId.toString(), stepUpAudience(), now, expiresAt, jti)
            .claim("purpose", purpose)
            .claim("challenge_id", challengeId)
            .claim("acr", acr);
    Instant expiry = expiresAt;
    return sign(claims, STEP_UP_TYP).map(token -> new IssuedToken(token, jti, expiry));
  }

  public String stepUpAudience() {
    return config.audience() + STEP_UP_AUDIENCE_SUFFIX;
  }

  private JwtClaimsBuilder base(
      String subject, String audience, Instant now, Instant expiresAt, String jti) {
    return Jwt.issuer(config.issuer())
        .subject(subject)
        .audience(audience)
        .issuedAt(now)
        .expiresAt(expiresAt)
        .claim("nbf", now.getEpochSecond())
        .claim("jti", jti);
  }

  private Uni<String> sign(JwtClaimsBuilder claims, String typ) {
    return signingKeys
        .activeKey()
        .map(
            key ->
                claims
                    .jws()
                    .keyId(key.kid())
                    .header("typ", typ)
                    .algorithm(SignatureAlgorithm.ES256)
                    .sign(key.privateKey()));
  }
}
