package io.farthing.payments.admin.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.admin.KycAdminService;
import io.farthing.payments.admin.KycTier;
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

/** A user's KYC tier (0-3), which picks the limits their payments run under. */
@Path("/admin/v1/users/{userId}/kyc")
@Tag(name = "Admin: KYC")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminUserKycResource {
  public record KycBody(BigDecimal tier) {}

  private final KycAdminService kyc;
  private final JsonWebToken token;

  public AdminUserKycResource(KycAdminService kyc, JsonWebToken token) {
    this.kyc = kyc;
    this.token = token;
  }

  @GET
  @Operation(summary = "The user's KYC tier (0 for a user payments-svc has not seen)")
  public Uni<KycTier> get(@PathParam("userId") String userId) {
    return Uni.createFrom().deferred(() -> kyc.tier(Ids.parse(userId, "userId")));
  }

  @PUT
  @RolesAllowed("admin")
  @Operation(summary = "Set the user's KYC tier; applies to their next payment")
  public Uni<KycTier> put(@PathParam("userId") String userId, KycBody body) {
    return Uni.createFrom()
        .deferred(
            () -> {
              var user = Ids.parse(userId, "userId");
              if (body == null || body.tier() == null) {
                throw ApiException.invalid("tier is required", "MISSING_FIELD");
              }
              return kyc.setTier(user, tier(body.tier()), token.getSubject());
            });
  }

  static int tier(BigDecimal tier) {
    try {
      int value = tier.intValueExact();
      KycAdminService.requireTier(value);
      return value;
    } catch (ArithmeticException e) {
      throw ApiException.invalid("tier must be between 0 and " + KycAdminService.MAX_TIER, "INVALID_TIER");
    }
  }
}
