package io.farthing.auth.client;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.security.RateLimiter;
import io.farthing.auth.token.TokenIssuer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4): authenticates an API client and issues a
 * partner access token carrying the requested subset of its scopes. Rate-limited per IP and per
 * client id; every refusal after the rate limit is audited (without the secret).
 */
@ApplicationScoped
public class ClientCredentialsGrant {
  public static final String GRANT_TYPE = "client_credentials";
  public static final String AUTH_FAILED = "CLIENT_AUTH_FAILED";
  public static final String TOKEN_REFUSED = "CLIENT_TOKEN_REFUSED";
  /** A scope string longer than every known scope together is not worth parsing. */
  private static final int MAX_SCOPE_LENGTH = 512;
  /** Stands for a client id that cannot exist, wherever a caller-supplied id would be recorded. */
  private static final String UNRECOGNISED = "unrecognised";

  /**
   * What the client sent, split out of the form and the Authorization header. {@code unreadable}
   * is set when that failed; it is answered after the rate limit and audited like any refusal.
   */
  public record TokenRequest(
      String grantType, ClientCredentials credentials, String scope, OAuthError unreadable) {
    public static TokenRequest unreadable(OAuthError why) {
      return new TokenRequest(null, null, null, why);
    }
  }

  public record ClientCredentials(String clientId, String clientSecret) {}

  /** The RFC 6749 §5.1 success body's contents. */
  public record IssuedToken(String accessToken, long expiresIn, String scope) {}

  private final ApiClientRepository clients;
  private final TokenIssuer issuer;
  private final RateLimiter rateLimiter;
  private final AuditLog audit;
  private final int perMinute;

  public ClientCredentialsGrant(
      ApiClientRepository clients,
      TokenIssuer issuer,
      RateLimiter rateLimiter,
      AuditLog audit,
      AuthConfig config) {
    this.clients = clients;
    this.issuer = issuer;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.perMinute = config.rateLimit().tokenPerMinute();
  }

  public Uni<IssuedToken> issue(TokenRequest request, Origin origin) {
    return limited("oauth-token-ip", origin.ip())
        .chain(() -> checkShape(request, origin))
        .chain(credentials -> limited("oauth-token-client", auditableId(credentials.clientId()))
            .chain(() -> authenticate(credentials, origin)))
        .chain(client -> grantedScopes(client, request.scope(), origin)
            .chain(scopes -> issuer.partnerAccessToken(client.id, scopes)
                .map(token -> new IssuedToken(
                    token.token(), token.expiresInSeconds(), String.join(" ", new TreeSet<>(scopes))))));
  }

  /** Grant type and presence of credentials; refusals are audited under the claimed client id. */
  private Uni<ClientCredentials> checkShape(TokenRequest request, Origin origin) {
    OAuthError refusal = null;
    if (request.unreadable() != null) {
      refusal = request.unreadable();
    } else if (request.grantType() == null || request.grantType().isEmpty()) {
      refusal = OAuthError.invalidRequest("grant_type is required");
    } else if (!GRANT_TYPE.equals(request.grantType())) {
      refusal = OAuthError.unsupportedGrantType();
    } else if (request.credentials() == null
        || isBlank(request.credentials().clientId())
        || isBlank(request.credentials().clientSecret())) {
      refusal = OAuthError.invalidClient();
    }
    if (refusal == null) {
      return Uni.createFrom().item(request.credentials());
    }
    String clientId = request.credentials() == null ? null : request.credentials().clientId();
    return refuse(clientId, refusal.error().equals(OAuthError.INVALID_CLIENT) ? AUTH_FAILED : TOKEN_REFUSED,
        refusal.error(), origin, refusal);
  }

  /** Unknown client, wrong secret and disabled client all answer invalid_client. */
  private Uni<ApiClient> authenticate(ClientCredentials credentials, Origin origin) {
    String digest = Secrets.sha256Hex(credentials.clientSecret());
    return Panache.withSession(() -> clients.findClient(credentials.clientId()))
        .chain(
            client -> {
              Instant now = Instant.now();
              if (client == null) {
                return refuse(credentials.clientId(), AUTH_FAILED, "unknown client", origin,
                    OAuthError.invalidClient());
              }
              if (!client.acceptsSecretDigest(digest, now)) {
                return refuse(client.id, AUTH_FAILED, "wrong secret", origin, OAuthError.invalidClient());
              }
              if (!client.isActive()) {
                return refuse(client.id, AUTH_FAILED, "client disabled", origin, OAuthError.invalidClient());
              }
              return Uni.createFrom().item(client);
            });
  }

  /** The requested scopes (RFC 6749 §3.3), which must all be the client's; none: all of them. */
  private Uni<Set<String>> grantedScopes(ApiClient client, String requested, Origin origin) {
    Set<String> allowed = client.scopeSet();
    if (requested == null || requested.isBlank()) {
      return Uni.createFrom().item(allowed);
    }
    if (requested.length() > MAX_SCOPE_LENGTH) {
      return refuse(client.id, TOKEN_REFUSED, "scope too long", origin,
          OAuthError.invalidScope("scope is too long"));
    }
    Set<String> scopes = new TreeSet<>();
    for (String scope : requested.trim().split(" +")) {
      if (!allowed.contains(scope)) {
        String what = Scopes.ALL.contains(scope) ? "scope not granted: " + scope : "unknown scope";
        return refuse(client.id, TOKEN_REFUSED, what, origin,
            OAuthError.invalidScope("The requested scope is unknown or not granted to this client"));
      }
      scopes.add(scope);
    }
    return Uni.createFrom().item(scopes);
  }

  private Uni<Void> limited(String bucket, String caller) {
    return rateLimiter
        .check(bucket, caller, perMinute)
        .onFailure(ApiException.class)
        .transform(e -> OAuthError.slowDown(((ApiException) e).retryAfterSeconds()));
  }

  private <T> Uni<T> refuse(String clientId, String action, String why, Origin origin, OAuthError error) {
    String id = auditableId(clientId);
    AuditLog.Actor actor = id.equals(UNRECOGNISED) ? AuditLog.Actor.ANONYMOUS : AuditLog.Actor.client(id);
    return audit
        .recordAlone(actor, null, action, AuditLog.Outcome.FAILURE, origin, why)
        .chain(() -> Uni.createFrom().failure(error));
  }

  /** Only a well-formed client id goes into the audit trail, logs and Redis keys. */
  private static String auditableId(String clientId) {
    return ApiClientRepository.isWellFormed(clientId) ? clientId : UNRECOGNISED;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isEmpty();
  }
}
