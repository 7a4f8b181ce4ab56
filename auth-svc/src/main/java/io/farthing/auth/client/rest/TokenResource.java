package io.farthing.auth.client.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.client.ClientCredentialsGrant;
import io.farthing.auth.client.OAuthError;
import io.farthing.common.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The OAuth2 token endpoint (RFC 6749 §3.2, client-credentials grant only). The one endpoint
 * whose errors are not problem+json: it answers RFC 6749 §5.2 {"error", "error_description"}
 * with 400 or 401 (and 429 {"error": "slow_down"} when rate-limited), because OAuth2 client
 * libraries expect that shape.
 */
@Path("/oauth2/token")
@Tag(name = "OAuth2")
@PermitAll
public class TokenResource {
  private static final Logger LOG = Logger.getLogger(TokenResource.class);
  private static final String BASIC = "basic ";
  private static final int MAX_PARAMETER_LENGTH = 1024;

  /** RFC 6749 §5.1. */
  public record TokenResponse(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("token_type") String tokenType,
      @JsonProperty("expires_in") long expiresIn,
      @JsonProperty("scope") String scope) {}

  /** RFC 6749 §5.2. */
  public record ErrorResponse(
      @JsonProperty("error") String error,
      @JsonProperty("error_description") String errorDescription) {}

  private final ClientCredentialsGrant grant;

  public TokenResource(ClientCredentialsGrant grant) {
    this.grant = grant;
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Client-credentials grant: exchange a client id and secret for a partner access token",
      description = "Client authentication by HTTP Basic or client_id/client_secret form fields. "
          + "Errors follow RFC 6749 §5.2 ({\"error\", \"error_description\"}), not problem+json.")
  @APIResponse(responseCode = "200", description = "RFC 6749 §5.1: access_token, token_type, expires_in, scope")
  @APIResponse(responseCode = "400",
      description = "RFC 6749 §5.2 error: invalid_request, invalid_scope or unsupported_grant_type")
  @APIResponse(responseCode = "401", description = "RFC 6749 §5.2 error invalid_client, with WWW-Authenticate")
  @APIResponse(responseCode = "429", description = "{\"error\": \"slow_down\"} with Retry-After")
  public Uni<Response> token(
      MultivaluedMap<String, String> form,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @Context HttpServerRequest http) {
    ClientCredentialsGrant.TokenRequest request = parse(form, authorization);
    return grant
        .issue(request, Origin.of(http))
        .map(
            issued ->
                noStore(Response.ok(new TokenResponse(issued.accessToken(), "Bearer", issued.expiresIn(),
                    issued.scope()))));
  }

  @ServerExceptionMapper
  public Response oauthError(OAuthError e) {
    Response.ResponseBuilder builder = Response.status(e.httpStatus());
    if (e.httpStatus() == 401) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"farthing\"");
    }
    if (e.retryAfterSeconds() != null) {
      builder.header("Retry-After", Math.max(1, e.retryAfterSeconds()));
    }
    return noStore(builder.entity(new ErrorResponse(e.error(), e.getMessage())));
  }

  @ServerExceptionMapper
  public Response apiError(ApiException e) {
    if (e.kind() == ApiException.Kind.RATE_LIMITED) {
      return oauthError(OAuthError.slowDown(e.retryAfterSeconds() == null ? 60 : e.retryAfterSeconds()));
    }
    return oauthError(OAuthError.invalidRequest(e.getMessage()));
  }

  @ServerExceptionMapper
  public Response webError(WebApplicationException e) {
    if (e.getResponse().getStatus() >= 500) {
      return unexpected(e);
    }
    return oauthError(OAuthError.invalidRequest("The request could not be read as a token request"));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    String incident = UUID.randomUUID().toString();
    LOG.errorf("Unexpected token endpoint failure, incident %s: %s", incident, e.getClass().getName());
    LOG.debugf(e, "Incident %s", incident);
    return oauthError(new OAuthError(OAuthError.SERVER_ERROR,
        "Something went wrong on our side (incident " + incident + ")", 500, null));
  }

  /** Splits the form and the Authorization header into a token request (RFC 6749 §2.3.1, §3.2). */
  static ClientCredentialsGrant.TokenRequest parse(MultivaluedMap<String, String> form, String authorization) {
    try {
      String grantType = single(form, "grant_type");
      String scope = single(form, "scope");
      String formId = single(form, "client_id");
      String formSecret = single(form, "client_secret");
      ClientCredentialsGrant.ClientCredentials basic = basic(authorization);
      if (basic != null && (formId != null || formSecret != null)) {
        throw OAuthError.invalidRequest("Use one client authentication method, not two");
      }
      ClientCredentialsGrant.ClientCredentials credentials =
          basic != null ? basic : new ClientCredentialsGrant.ClientCredentials(formId, formSecret);
      return new ClientCredentialsGrant.TokenRequest(grantType, credentials, scope, null);
    } catch (OAuthError unreadable) {
      return ClientCredentialsGrant.TokenRequest.unreadable(unreadable);
    }
  }

  /** A parameter sent at most once (RFC 6749 §3.2), bounded in size. */
  private static String single(MultivaluedMap<String, String> form, String name) {
    List<String> values = form == null ? null : form.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw OAuthError.invalidRequest(name + " must not be repeated");
    }
    String value = values.get(0);
    if (value != null && value.length() > MAX_PARAMETER_LENGTH) {
      throw OAuthError.invalidRequest(name + " is too long");
    }
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * HTTP Basic client credentials: each part is form-urlencoded before base64 (RFC 6749 §2.3.1).
   * Other schemes are not client authentication here and are ignored.
   */
  private static ClientCredentialsGrant.ClientCredentials basic(String authorization) {
    if (authorization == null || authorization.length() < BASIC.length()
        || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    try {
      String decoded = new String(
          Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw OAuthError.invalidClient();
      }
      return new ClientCredentialsGrant.ClientCredentials(
          URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidClient();
    }
  }

  private static Response noStore(Response.ResponseBuilder builder) {
    return builder.type(MediaType.APPLICATION_JSON)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .header("Pragma", "no-cache")
        .build();
  }
}
