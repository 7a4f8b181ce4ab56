package io.farthing.payments.dispute.rest;

import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.common.rest.Caller;
import io.farthing.payments.dispute.DisputePages;
import io.farthing.payments.dispute.DisputeService;
import io.farthing.payments.dispute.DisputeView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A person's own disputes. */
@Path("/v1/disputes")
@Tag(name = "Disputes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class DisputeResource {
  private final DisputeService disputes;
  private final JsonWebToken token;

  public DisputeResource(DisputeService disputes, JsonWebToken token) {
    this.disputes = disputes;
    this.token = token;
  }

  @GET
  @Operation(summary = "Your disputes, newest first; `limit` 1–100 (default 20), `cursor`, optional `status`")
  public Uni<Page<DisputeView>> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @QueryParam("status") String status) {
    var user = Caller.userId(token);
    var filter = DisputePages.status(status);
    return DisputePages.page(
        Page.limit(limit), cursor, "INVALID_CURSOR", (before, n) -> disputes.listForUser(user, filter, before, n),
        DisputeView::of);
  }

  @GET
  @Path("/{disputeId}")
  @Operation(summary = "One of your disputes: its status, what it refunded, when the merchant's evidence is due")
  public Uni<DisputeView> get(@PathParam("disputeId") String disputeId) {
    return disputes.getForUser(Caller.userId(token), Ids.parse(disputeId, "disputeId"));
  }
}
