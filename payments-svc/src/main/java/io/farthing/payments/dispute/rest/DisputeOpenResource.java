package io.farthing.payments.dispute.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.dispute.DisputeService;
import io.farthing.payments.dispute.DisputeStatus;
import io.farthing.payments.dispute.DisputesConfig;
import io.farthing.payments.idempotency.RestIdempotency;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A user disputes one of their charges. */
@Path("/v1/charges/{chargeId}/disputes")
@Tag(name = "Disputes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class DisputeOpenResource {
  /** reason: NOT_RECEIVED, NOT_AS_DESCRIBED, UNAUTHORIZED, DUPLICATE or OTHER; note optional. */
  public record OpenDispute(String reason, String note) {}

  private final DisputeService disputes;
  private final DisputesConfig config;
  private final JsonWebToken token;

  public DisputeOpenResource(DisputeService disputes, DisputesConfig config, JsonWebToken token) {
    this.disputes = disputes;
    this.config = config;
    this.token = token;
  }

  @POST
  @Operation(summary = "Dispute a charge (Idempotency-Key required): 201 with the dispute. Below "
      + "payments.disputes.instant-refund-below-minor it is refunded at once (LOST, INSTANT_REFUND); otherwise OPEN "
      + "and the merchant has payments.disputes.evidence-window to answer. 400 INVALID_REASON, FIELD_TOO_LONG; "
      + "404 CHARGE_NOT_FOUND; 409 DISPUTE_EXISTS; 422 CHARGE_INVALID_STATE, DISPUTE_WINDOW_PASSED")
  public Uni<Response> open(
      @HeaderParam(RestIdempotency.HEADER) String idempotencyKey, @PathParam("chargeId") String chargeId,
      OpenDispute body) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    var charge = Ids.parse(chargeId, "chargeId");
    if (body == null || body.reason() == null || body.reason().isEmpty()) {
      throw ApiException.invalid("reason is required", "MISSING_FIELD");
    }
    DisputeStatus.Reason reason;
    try {
      reason = DisputeStatus.Reason.valueOf(body.reason());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "reason must be NOT_RECEIVED, NOT_AS_DESCRIBED, UNAUTHORIZED, DUPLICATE or OTHER", "INVALID_REASON");
    }
    String note = body.note() == null ? "" : body.note();
    if (note.length() > config.maxTextLength()) {
      throw ApiException.invalid("note is longer than " + config.maxTextLength() + " characters", "FIELD_TOO_LONG");
    }
    return disputes
        .open(Caller.userId(token), key, new DisputeService.NewDispute(charge, reason, note))
        .map(RestIdempotency.Reply::toResponse);
  }
}
