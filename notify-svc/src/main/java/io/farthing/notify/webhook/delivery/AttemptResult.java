package io.farthing.notify.webhook.delivery;

/**
 * How one attempt ended: {@code httpStatus} when the endpoint answered (null otherwise) and, for a
 * failure, its class (HTTP_STATUS, REDIRECT_NOT_FOLLOWED, TIMEOUT, CONNECTION_FAILED, TLS_FAILED,
 * DNS_FAILED, URL_NOT_ALLOWED, SECRET_UNAVAILABLE).
 */
public record AttemptResult(Integer httpStatus, String errorClass, long latencyMs) {
  /** Nothing was sent: a signing secret did not open (our side's fault, not the endpoint's). */
  public static final String SECRET_UNAVAILABLE = "SECRET_UNAVAILABLE";

  public boolean delivered() {
    return errorClass == null;
  }

  /** A failure of the endpoint (not ours) extends its failure streak and can disable it. */
  public boolean countsAgainstEndpoint() {
    return !delivered() && !SECRET_UNAVAILABLE.equals(errorClass);
  }

  public static AttemptResult answered(int status, long latencyMs) {
    if (status >= 200 && status < 300) {
      return new AttemptResult(status, null, latencyMs);
    }
    return new AttemptResult(status, status >= 300 && status < 400 ? "REDIRECT_NOT_FOLLOWED" : "HTTP_STATUS", latencyMs);
  }

  public static AttemptResult failed(String errorClass, long latencyMs) {
    return new AttemptResult(null, errorClass, latencyMs);
  }

  /** Short text for the delivery's last_error (no secrets, no bodies). */
  public String describe() {
    return httpStatus == null ? errorClass : errorClass + " " + httpStatus;
  }
}
