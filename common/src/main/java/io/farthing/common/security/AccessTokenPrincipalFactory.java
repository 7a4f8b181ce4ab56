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
import org.jose4j.jwt.consumer.JwtContext;

/**
 * SmallRye JWT verifies signature, algorithm, issuer, audience and expiry; this adds the one pin
 * it lacks: the header {@code typ} must be {@code at+jwt}. A step-up token or any other JWT signed
 * by the same key is therefore refused where an access token is expected.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class AccessTokenPrincipalFactory extends JWTCallerPrincipalFactory {
  /** The header {@code typ} of every access token (RFC 9068), user or partner. */
  public static final String ACCESS_TYP = "at+jwt";

  private final DefaultJWTTokenParser parser = new DefaultJWTTokenParser();

  @Override
  public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo)
      throws ParseException {
    JwtContext context = parser.parse(token, authContextInfo);
    String typ = context.getJoseObjects().get(0).getHeader("typ");
    if (!ACCESS_TYP.equalsIgnoreCase(typ)) {
      throw new ParseException("token type is not " + ACCESS_TYP);
    }
    return new DefaultJWTCallerPrincipal(token, typ, context.getJwtClaims());
  }
}
