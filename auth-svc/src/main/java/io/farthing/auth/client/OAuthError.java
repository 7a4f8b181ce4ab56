package io.farthing.auth.client;

/**
 * A token-endpoint refusal in RFC 6749 §5.2 terms. The token endpoint answers these as
 * {"error", "error_description"} rather than problem+json, because OAuth2 client libraries
 * parse that shape. The description is shown to callers, so it never carries secrets.
 */
public class OAuthError extends RuntimeException {
  public static final String INVALID_REQUEST = "invalid_request";
  public static final String INVALID_CLIENT = "invalid_client";
  public static final String INVALID_GRANT = "invalid_grant";
  public static final String INVALID_SCOPE = "invalid_scope";
  public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
  /** RFC 8628 §3.5's registered code for "too many requests": sent with 429 and Retry-After. */
  public static final String SLOW_DOWN = "slow_down";
  public static final String SERVER_ERROR = "server_error";

  private final String error;
  private final int httpStatus;
  private final Long retryAfterSeconds;

  public OAuthError(String error, String description, int httpStatus, Long retryAfterSeconds) {
    super(description, null, false, false);
    this.error = error;
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError(INVALID_REQUEST, description, 400, null);
  }

  /** 401: the client could not be authenticated (unknown, wrong secret, disabled, none sent). */
  public static OAuthError invalidClient() {
    return new OAuthError(INVALID_CLIENT, "Client authentication failed", 401, null);
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError(INVALID_SCOPE, description, 400, null);
  }

  public static OAuthError unsupportedGrantType() {
    return new OAuthError(
        UNSUPPORTED_GRANT_TYPE, "Only the client_credentials grant is supported", 400, null);
  }

  public static OAuthError slowDown(long retryAfterSeconds) {
    return new OAuthError(SLOW_DOWN, "Too many token requests; retry later", 429, retryAfterSeconds);
  }

  public String error() {
    return error;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
