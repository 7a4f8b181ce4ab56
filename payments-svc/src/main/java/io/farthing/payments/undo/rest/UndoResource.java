package io.farthing.payments.undo.rest;

import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.undo.UndoService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
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

@Path("/v1/charges/{chargeId}/undo")
@Tag(name = "Charges")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class UndoResource {
  private final UndoService undos;
  private final JsonWebToken token;

  public UndoResource(UndoService undos, JsonWebToken token) {
    this.undos = undos;
    this.token = token;
  }

  @POST
  @Operation(summary = "Undo an accidental purchase shortly after paying: what is left of it is refunded at once "
      + "(200, the charge REFUNDED). 422 UNDO_WINDOW_PASSED, NOT_UNDOABLE (final sale), CHARGE_INVALID_STATE; "
      + "404 CHARGE_NOT_FOUND; Idempotency-Key required")
  public Uni<Response> undo(
      @HeaderParam(RestIdempotency.HEADER) String idempotencyKey, @PathParam("chargeId") String chargeId) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    return undos
        .undo(Caller.userId(token), key, Ids.parse(chargeId, "chargeId"))
        .map(RestIdempotency.Reply::toResponse);
  }
}
