package io.farthing.common.security;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwt.consumer.JwtContext;

/**
 * SmallRye JWT verifies signature, algorithm, issuer, audience and expiry; this adds the one pin
 * it lacks: the header {@code typ} must be {@code at+jwt}. A step-up token or any other JWT signed
 * by the same key is therefore refused where an access token is expected.
 *
 * <p>It also remembers tokens it has verified, for at most {@link #MAX_AGE_MS} and never past
 * their {@code exp}: verifying an ES256 signature costs about 0.4 ms of CPU, and an internal
 * caller (payments-svc calling risk-svc thousands of times a second) sends the same
 * client-credentials token on every call. The key is the exact token text, so any other token —
 * a changed byte included — is verified in full. The bound on age also bounds how long a token
 * signed by a key withdrawn from the JWKS (an emergency rotation) is still accepted here.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class AccessTokenPrincipalFactory extends JWTCallerPrincipalFactory {
  /** The header {@code typ} of every access token (RFC 9068), user or partner. */
  public static final String ACCESS_TYP = "at+jwt";

  static final long MAX_AGE_MS = 60_000;
  static final int MAX_ENTRIES = 4_096;

  private record Verified(JWTCallerPrincipal principal, long validUntilMs) {}

  private final DefaultJWTTokenParser parser = new DefaultJWTTokenParser();
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  @Override
  public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo)
      throws ParseException {
    long now = System.currentTimeMillis();
    Verified known = verified.get(token);
    if (known != null && now < known.validUntilMs()) {
      return known.principal();
    }
    JwtContext context = parser.parse(token, authContextInfo);
    String typ = context.getJoseObjects().get(0).getHeader("typ");
    if (!ACCESS_TYP.equalsIgnoreCase(typ)) {
      throw new ParseException("token type is not " + ACCESS_TYP);
    }
    JWTCallerPrincipal principal = new DefaultJWTCallerPrincipal(token, typ, context.getJwtClaims());
    remember(token, principal, now);
    return principal;
  }

  private void remember(String token, JWTCallerPrincipal principal, long now) {
    long expiresMs = principal.getExpirationTime() * 1000;
    long until = Math.min(expiresMs, now + MAX_AGE_MS);
    if (until <= now) {
      return;
    }
    if (verified.size() >= MAX_ENTRIES) {
      verified.values().removeIf(entry -> entry.validUntilMs() <= now);
      if (verified.size() >= MAX_ENTRIES) {
        verified.clear();
      }
    }
    verified.put(token, new Verified(principal, until));
  }
}
