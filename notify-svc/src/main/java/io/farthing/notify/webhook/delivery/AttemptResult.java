package io.farthing.notify.webhook.delivery;

/**
 * How one attempt ended: {@code httpStatus} when the endpoint answered (null otherwise) and, for a
 * failure, its class (HTTP_STATUS, REDIRECT_NOT_FOLLOWED, TIMEOUT, CONNECTION_FAILED, TLS_FAILED,
 * DNS_FAILED, URL_NOT_ALLOWED).
 */
public record AttemptResult(Integer httpStatus, String errorClass, long latencyMs) {
  public boolean delivered() {
    return errorClass == null;
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
