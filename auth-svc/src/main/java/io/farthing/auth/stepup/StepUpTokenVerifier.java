package io.farthing.auth.stepup;

import io.farthing.common.ApiException;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.token.SigningKeyService;
import io.farthing.auth.token.TokenIssuer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/**
 * Verifies a step-up token the way every verifier must: ES256 only, a published kid, our issuer,
 * the step-up audience, header typ stepup+jwt, not expired. Single use is enforced by the caller
 * against the server-side record.
 */
@ApplicationScoped
public class StepUpTokenVerifier {
  private final SigningKeyService signingKeys;
  private final TokenIssuer issuer;
  private final AuthConfig.Jwt config;

  public StepUpTokenVerifier(SigningKeyService signingKeys, TokenIssuer issuer, AuthConfig config) {
    this.signingKeys = signingKeys;
    this.issuer = issuer;
    this.config = config.jwt();
  }

  public Uni<JwtClaims> verify(String token) {
    String kid;
    String typ;
    try {
      JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
      kid = structure.getKeyIdHeaderValue();
      typ = structure.getHeader("typ");
    } catch (JoseException | RuntimeException e) {
      return Uni.createFrom().failure(invalid());
    }
    if (kid == null || !TokenIssuer.STEP_UP_TYP.equalsIgnoreCase(typ)) {
      return Uni.createFrom().failure(invalid());
    }
    return signingKeys.verificationKey(kid).map(key -> claims(token, key));
  }

  private JwtClaims claims(String token, PublicKey key) {
    if (key == null) {
      throw invalid();
    }
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
            .setVerificationKey(key)
            .setExpectedIssuer(config.issuer())
            .setExpectedAudience(issuer.stepUpAudience())
            .setRequireExpirationTime()
            .setRequireSubject()
            .setRequireJwtId()
            .setAllowedClockSkewInSeconds(30)
            .build();
    try {
      return consumer.processToClaims(token);
    } catch (InvalidJwtException e) {
      throw invalid();
    }
  }

  private static ApiException invalid() {
    return ApiException.forbidden("The step-up token is not valid", "INVALID_STEP_UP_TOKEN");
  }
}
