package io.farthing.payments.dispute.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.payments.dispute.DisputePages;
import io.farthing.payments.dispute.DisputeService;
import io.farthing.payments.dispute.DisputeStatus;
import io.farthing.payments.dispute.DisputeView;
import io.farthing.payments.dispute.DisputesConfig;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Disputes for support: the queue (by status and partner), one dispute with its evidence, the decision. */
@Path("/admin/v1/disputes")
@Tag(name = "Admin: disputes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminDisputeResource {
  /** outcome: WON (the merchant keeps the money) or LOST (refunded to the user). */
  public record Decision(String outcome, String note) {}

  private final DisputeService disputes;
  private final DisputesConfig config;
  private final JsonWebToken token;

  public AdminDisputeResource(DisputeService disputes, DisputesConfig config, JsonWebToken token) {
    this.disputes = disputes;
    this.config = config;
    this.token = token;
  }

  @GET
  @Operation(summary = "Disputes newest first, by status (e.g. UNDER_REVIEW: the review queue) and partner")
  public Uni<Page<DisputeView>> list(
      @QueryParam("status") String status, @QueryParam("partner") String partner, @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    var filter = DisputePages.status(status);
    return DisputePages.page(
        Page.limit(limit), cursor, "INVALID_CURSOR",
        (before, n) -> disputes.listForSupport(partner == null || partner.isEmpty() ? null : partner, filter, before, n),
        DisputeView::of);
  }

  @GET
  @Path("/{disputeId}")
  @Operation(summary = "One dispute with the merchant's evidence")
  public Uni<DisputeView> get(@PathParam("disputeId") String disputeId) {
    return disputes.getForSupport(Ids.parse(disputeId, "disputeId"));
  }

  @POST
  @Path("/{disputeId}/resolve")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Decide a dispute: WON (the merchant keeps the money) or LOST (what is left of it is refunded "
      + "now). Deciding it the same way again answers it as it is; 400 INVALID_OUTCOME, FIELD_TOO_LONG; "
      + "404 DISPUTE_NOT_FOUND; 422 DISPUTE_RESOLVED (decided the other way)")
  public Uni<DisputeView> resolve(@PathParam("disputeId") String disputeId, Decision body) {
    var id = Ids.parse(disputeId, "disputeId");
    if (body == null || body.outcome() == null || body.outcome().isEmpty()) {
      throw ApiException.invalid("outcome is required", "MISSING_FIELD");
    }
    DisputeStatus outcome = switch (body.outcome()) {
      case "WON" -> DisputeStatus.WON;
      case "LOST" -> DisputeStatus.LOST;
      default -> null;
    };
    if (outcome == null) {
      throw ApiException.invalid("outcome must be WON or LOST", "INVALID_OUTCOME");
    }
    String note = body.note() == null ? "" : body.note();
    if (note.length() > config.maxTextLength()) {
      throw ApiException.invalid("note is longer than " + config.maxTextLength() + " characters", "FIELD_TOO_LONG");
    }
    return disputes.resolve(token.getSubject(), id, outcome, note);
  }
}
