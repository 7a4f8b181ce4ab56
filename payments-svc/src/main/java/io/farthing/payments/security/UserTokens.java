package io.farthing.payments.security;

import io.farthing.common.ApiException;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies a paying user's access token that a partner passes along for a one-off payment in its
 * app: the same checks as any access token (signature against auth-svc's JWKS, ES256, issuer,
 * audience, expiry, typ at+jwt), and it must be a user's token, not a partner's.
 */
@ApplicationScoped
public class UserTokens {
  public static final String INVALID_PAYER_TOKEN = "INVALID_PAYER_TOKEN";

  private final JWTParser parser;

  public UserTokens(JWTParser parser) {
    this.parser = parser;
  }

  /** The user the token belongs to. Parsing may fetch the JWKS, so it runs on a worker thread. */
  public Uni<UUID> userOf(String token) {
    return Uni.createFrom()
        .item(() -> verify(token))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private UUID verify(String token) {
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw ApiException.invalid("user_access_token is not a valid user access token", INVALID_PAYER_TOKEN);
    }
    if (jwt.getGroups().contains("partner") || !jwt.getGroups().contains("user")) {
      throw ApiException.invalid("user_access_token must be a user's access token", INVALID_PAYER_TOKEN);
    }
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ApiException.invalid("user_access_token has no user subject", INVALID_PAYER_TOKEN);
    }
  }
}
