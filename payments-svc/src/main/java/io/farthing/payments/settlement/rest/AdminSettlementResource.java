package io.farthing.payments.settlement.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.payments.settlement.SettlementService;
import io.farthing.payments.settlement.SettlementWindow;
import io.farthing.payments.settlement.WindowStatus;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Settlement windows for operators: list them (a failed payout shows as CLOSED with its
 * failureReason), close one now, retry a payout now. Both POSTs are idempotent by nature: closing
 * a closed window or retrying a settled one answers the window as it is.
 */
@Path("/admin/v1/settlement/windows")
@Tag(name = "Admin: settlement")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminSettlementResource {
  private final SettlementService settlement;

  public AdminSettlementResource(SettlementService settlement) {
    this.settlement = settlement;
  }

  @GET
  @Operation(summary = "Windows newest first, by partner, currency and status (all optional)")
  public Uni<Page<SettlementWindow>> list(
      @QueryParam("partner") String partner,
      @QueryParam("currency") String currency,
      @QueryParam("status") String status,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    return Uni.createFrom()
        .deferred(
            () -> {
              String code = currency == null ? null : Amount.requireCurrency(currency, "currency");
              WindowStatus state = status == null ? null : status(status);
              return WindowPages.page(
                  limit, cursor, (after, n) -> settlement.list(partner, code, state, after, n), Function.identity());
            });
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One window, with its payout attempts and last failure")
  public Uni<SettlementWindow> get(@PathParam("id") String id) {
    return deferred(() -> settlement.get(Ids.parse(id, "id")));
  }

  @POST
  @Path("/{id}/close")
  @RolesAllowed("admin")
  @Operation(summary = "Close an OPEN window now (it ends now); a closed window is answered as it is")
  public Uni<SettlementWindow> close(@PathParam("id") String id) {
    return deferred(() -> settlement.forceClose(Ids.parse(id, "id")));
  }

  @POST
  @Path("/{id}/retry-payout")
  @RolesAllowed("admin")
  @Operation(summary = "Try a CLOSED window's payout now; a SETTLED window is answered as it is")
  public Uni<SettlementWindow> retryPayout(@PathParam("id") String id) {
    return deferred(() -> settlement.retryPayout(Ids.parse(id, "id")));
  }

  private static Uni<SettlementWindow> deferred(Supplier<Uni<? extends SettlementWindow>> call) {
    return Uni.createFrom().deferred(call);
  }

  private static WindowStatus status(String value) {
    try {
      return WindowStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("status must be OPEN, CLOSED or SETTLED", "INVALID_STATUS");
    }
  }
}
