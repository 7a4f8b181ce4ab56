package io.farthing.payments.allowance.rest;

import io.farthing.common.rest.Caller;
import io.farthing.payments.allowance.AllowanceRepository;
import io.farthing.payments.allowance.Allowances;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A person's allowances as payments-svc counts them: per consent, the current period's limit,
 * what partners used of it and when it ends. Which allowances exist (and revoking them) is
 * auth-svc's {@code /v1/me/consents}; a period appears here once a charge was counted in it.
 */
@Path("/v1/allowances")
@Tag(name = "Allowances")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class AllowanceResource {

  /** One current period; {@code limitMinor} is the limit as the period's last charge saw it. */
  public record UsageView(
      String consentId, String partnerClientId, String currency, long limitMinor, long usedMinor,
      long remainingMinor, Instant periodStart, Instant periodEnd) {
    static UsageView of(AllowanceRepository.Usage usage) {
      return new UsageView(
          usage.consentId(), usage.partnerClientId(), usage.currency(), usage.limitMinor(), usage.usedMinor(),
          Math.max(0, usage.limitMinor() - usage.usedMinor()), usage.periodStart(), usage.periodEnd());
    }
  }

  public record UsageList(List<UsageView> items) {}

  private final Allowances allowances;
  private final JsonWebToken token;

  public AllowanceResource(Allowances allowances, JsonWebToken token) {
    this.allowances = allowances;
    this.token = token;
  }

  @GET
  @Operation(summary = "The caller's allowance periods in force now: limit, used, remaining, period end")
  public Uni<UsageList> list() {
    return allowances
        .current(Caller.userId(token))
        .map(rows -> new UsageList(rows.stream().map(UsageView::of).toList()));
  }
}
