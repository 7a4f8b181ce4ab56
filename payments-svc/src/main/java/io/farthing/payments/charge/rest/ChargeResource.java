package io.farthing.payments.charge.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.common.rest.Caller;
import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.charge.ChargeStatus;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The charges a person paid, read-only: partners create and move charges over gRPC. */
@Path("/v1/charges")
@Tag(name = "Charges")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class ChargeResource {
  private final ChargeService charges;
  private final JsonWebToken token;

  public ChargeResource(ChargeService charges, JsonWebToken token) {
    this.charges = charges;
    this.token = token;
  }

  @GET
  @Operation(summary = "Your charges, newest first; `limit` 1–100 (default 20), `cursor` from the last page's "
      + "nextCursor, optional `status` (SUCCEEDED, REFUNDED, ...)")
  public Uni<Page<ChargeView>> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @QueryParam("status") String status) {
    int size = Page.limit(limit);
    UUID before = Page.afterId(cursor, "INVALID_CURSOR");
    ChargeStatus filter = status(status);
    return charges
        .list(null, Caller.userId(token), filter, before, null, null, size + 1)
        .map(rows -> Page.of(rows, size, c -> c.id().toString(), ChargeView::of));
  }

  @GET
  @Path("/{chargeId}")
  @Operation(summary = "One of your charges")
  public Uni<ChargeView> get(@PathParam("chargeId") String chargeId) {
    return charges.getForUser(Caller.userId(token), Ids.parse(chargeId, "chargeId")).map(ChargeView::of);
  }

  private static ChargeStatus status(String status) {
    if (status == null || status.isEmpty()) {
      return null;
    }
    try {
      return ChargeStatus.valueOf(status);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("status is not a charge status", "INVALID_STATUS");
    }
  }
}
