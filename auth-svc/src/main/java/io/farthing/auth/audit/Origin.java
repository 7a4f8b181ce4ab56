package io.farthing.auth.audit;

import io.vertx.core.http.HttpServerRequest;

/** Where a request came from, for the audit trail and rate limits. */
public record Origin(String ip, String userAgent) {
  private static final int MAX_USER_AGENT = 256;

  public static final Origin INTERNAL = new Origin("internal", null);

  public static Origin of(HttpServerRequest request) {
    if (request == null) {
      return INTERNAL;
    }
    String ip = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    String agent = request.getHeader("User-Agent");
    if (agent != null && agent.length() > MAX_USER_AGENT) {
      agent = agent.substring(0, MAX_USER_AGENT);
    }
    return new Origin(ip, agent);
  }
}
