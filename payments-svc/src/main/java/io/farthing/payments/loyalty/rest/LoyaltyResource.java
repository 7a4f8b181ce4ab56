package io.farthing.payments.loyalty.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.loyalty.LoyaltyConfig;
import io.farthing.payments.loyalty.LoyaltyService;
import io.farthing.payments.loyalty.LoyaltyView;
import io.farthing.payments.loyalty.RedemptionView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/loyalty")
@Tag(name = "Loyalty")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class LoyaltyResource {

  public record RedeemRequest(BigDecimal amountMinor, String currency) {}

  private final LoyaltyService loyalty;
  private final LoyaltyConfig config;
  private final JsonWebToken token;

  public LoyaltyResource(LoyaltyService loyalty, LoyaltyConfig config, JsonWebToken token) {
    this.loyalty = loyalty;
    this.config = config;
    this.token = token;
  }

  @GET
  @Operation(summary = "Your loyalty points per currency, and the programme's earn rate")
  public Uni<LoyaltyView> get() {
    return loyalty.balances(Caller.userId(token)).map(balances -> LoyaltyView.of(config, balances));
  }

  @POST
  @Path("/redemptions")
  @Operation(summary = "Turn points into wallet credit, one minor unit per point (201); Idempotency-Key required")
  public Uni<Response> redeem(@HeaderParam(RestIdempotency.HEADER) String idempotencyKey, RedeemRequest request) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    if (request == null) {
      throw ApiException.invalid("A JSON body {amountMinor, currency} is required", "MISSING_BODY");
    }
    Amount amount = Amount.positive(request.amountMinor(), request.currency());
    return loyalty
        .redeem(Caller.userId(token), key, amount.amountMinor(), amount.currency())
        .map(RestIdempotency.Reply::toResponse);
  }

  @GET
  @Path("/redemptions/{redemptionId}")
  @Operation(summary = "One of your redemptions")
  public Uni<RedemptionView> redemption(@PathParam("redemptionId") String redemptionId) {
    return loyalty
        .redemption(Caller.userId(token), Ids.parse(redemptionId, "redemptionId"))
        .map(RedemptionView::of);
  }
}
