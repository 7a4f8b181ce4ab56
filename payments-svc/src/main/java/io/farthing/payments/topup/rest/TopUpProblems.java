package io.farthing.payments.topup.rest;

import io.farthing.common.rest.Problem;
import io.farthing.payments.topup.TopUpDeclined;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * TOPUP_DECLINED is problem+json like every refusal, with two extension members (RFC 9457 §3.2)
 * a client acts on: {@code topUpId} and the gateway's {@code declineCode}.
 */
public class TopUpProblems {

  @ServerExceptionMapper
  public Response declined(TopUpDeclined e) {
    Problem problem = Problem.of(e.kind().httpStatus, e.reason(), e.getMessage());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.put("reason", problem.reason());
    body.put("topUpId", e.topUpId().toString());
    body.put("declineCode", e.declineCode());
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body).build();
  }
}
