package io.farthing.payments.admin.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.farthing.payments.admin.KycAdminService;
import io.farthing.payments.admin.KycLimit;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The limits of each KYC tier per currency. A currency gets wallets once its tiers have rows here.
 * Changes apply to the next payment on every replica (the charge path reads them per payment).
 */
@Path("/admin/v1/kyc-limits")
@Tag(name = "Admin: KYC")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminKycLimitResource {
  private static final Logger LOG = Logger.getLogger(AdminKycLimitResource.class);

  public record KycLimitBody(
      BigDecimal perTransactionMinor, BigDecimal dailyMinor, BigDecimal monthlyMinor, BigDecimal walletMaxMinor) {}

  private final KycAdminService kyc;
  private final JsonWebToken token;

  public AdminKycLimitResource(KycAdminService kyc, JsonWebToken token) {
    this.kyc = kyc;
    this.token = token;
  }

  @GET
  @Operation(summary = "Every tier's limits, by currency then tier")
  public Uni<Page<KycLimit>> list() {
    return kyc.limits().map(all -> new Page<>(all, null));
  }

  @PUT
  @Path("/{tier}/{currency}")
  @RolesAllowed("admin")
  @Operation(summary = "Set one tier's limits in one currency (all four, in minor units)")
  public Uni<KycLimit> put(
      @PathParam("tier") String tier, @PathParam("currency") String currency, KycLimitBody body) {
    return Uni.createFrom()
        .deferred(
            () -> {
              int level = tier(tier);
              String code = Amount.requireCurrency(currency, "currency");
              if (body == null) {
                throw ApiException.invalid("A body with the four limits is required", "MISSING_BODY");
              }
              KycLimit limit =
                  new KycLimit(
                      level,
                      code,
                      minor(body.perTransactionMinor(), "perTransactionMinor"),
                      minor(body.dailyMinor(), "dailyMinor"),
                      minor(body.monthlyMinor(), "monthlyMinor"),
                      minor(body.walletMaxMinor(), "walletMaxMinor"));
              return kyc.setLimit(limit);
            })
        .invoke(l -> LOG.infof("KYC limits of tier %d in %s set by %s", l.tier(), l.currency(), token.getSubject()));
  }

  private static int tier(String tier) {
    try {
      return AdminUserKycResource.tier(new BigDecimal(tier));
    } catch (NumberFormatException e) {
      throw ApiException.invalid("tier must be between 0 and " + KycAdminService.MAX_TIER, "INVALID_TIER");
    }
  }

  private static long minor(BigDecimal value, String field) {
    if (value == null) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      throw ApiException.invalid(field + " must be a whole number of minor units", "INVALID_LIMIT");
    }
  }
}
