package io.farthing.common;

/**
 * A refusal with a stable, machine-readable reason. REST turns it into problem+json (the
 * `type` URI ends with the kebab-case reason), gRPC into a status code with google.rpc.ErrorInfo.
 * Its message is shown to callers, so it never carries secrets or internals.
 */
public class ApiException extends RuntimeException {

  public enum Kind {
    INVALID(400),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    /** The same request is being handled right now (gRPC ABORTED): retry shortly. */
    IN_PROGRESS(409),
    PRECONDITION(422),
    LOCKED(423),
    RATE_LIMITED(429),
    UNAVAILABLE(503);

    public final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }
  }

  private final Kind kind;
  private final String reason;
  private final Long retryAfterSeconds;

  public ApiException(Kind kind, String reason, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ApiException(Kind kind, String reason, String message) {
    this(kind, reason, message, null);
  }

  public static ApiException invalid(String message, String reason) {
    return new ApiException(Kind.INVALID, reason, message);
  }

  public static ApiException notFound(String message, String reason) {
    return new ApiException(Kind.NOT_FOUND, reason, message);
  }

  public static ApiException unauthenticated(String message, String reason) {
    return new ApiException(Kind.UNAUTHENTICATED, reason, message);
  }

  public static ApiException forbidden(String message, String reason) {
    return new ApiException(Kind.FORBIDDEN, reason, message);
  }

  public static ApiException conflict(String message, String reason) {
    return new ApiException(Kind.CONFLICT, reason, message);
  }

  public static ApiException precondition(String message, String reason) {
    return new ApiException(Kind.PRECONDITION, reason, message);
  }

  public static ApiException rateLimited(long retryAfterSeconds) {
    return new ApiException(
        Kind.RATE_LIMITED, "RATE_LIMITED", "Too many requests; retry later", retryAfterSeconds);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(Kind.UNAVAILABLE, "TEMPORARILY_UNAVAILABLE", message);
  }

  public Kind kind() {
    return kind;
  }

  /** UPPER_SNAKE reason, e.g. ACCOUNT_LOCKED. */
  public String reason() {
    return reason;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
