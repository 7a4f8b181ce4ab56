package io.farthing.payments.loyalty.rest;

import io.farthing.payments.loyalty.LoyaltyRepository.Drift;
import io.farthing.payments.loyalty.LoyaltyService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/v1/loyalty/reconciliation")
@Tag(name = "Admin: loyalty")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminLoyaltyResource {

  /** Whether every user's cached points equal their LOYALTY account's entries, and who does not. */
  public record LoyaltyCheck(boolean drift, List<Drift> drifting) {}

  private final LoyaltyService loyalty;

  public AdminLoyaltyResource(LoyaltyService loyalty) {
    this.loyalty = loyalty;
  }

  @GET
  @Operation(summary = "Check every user's cached points against their ledger entries (one scan)")
  public Uni<LoyaltyCheck> check() {
    return loyalty.drift().map(found -> new LoyaltyCheck(!found.isEmpty(), found));
  }
}
