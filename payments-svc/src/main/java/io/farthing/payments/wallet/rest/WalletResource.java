package io.farthing.payments.wallet.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
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
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/wallets")
@Tag(name = "Wallets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class WalletResource {

  public record OpenWalletRequest(String currency) {}

  private final WalletService wallets;
  private final JsonWebToken token;

  public WalletResource(WalletService wallets, JsonWebToken token) {
    this.wallets = wallets;
    this.token = token;
  }

  @GET
  @Operation(summary = "Your wallets, one per currency, with their balances")
  public Uni<WalletView.WalletList> list() {
    return wallets
        .list(Caller.userId(token))
        .map(found -> new WalletView.WalletList(found.stream().map(WalletView::of).toList()));
  }

  @POST
  @Operation(summary = "Open your wallet in a currency: 201 opened, 200 already open; Idempotency-Key required")
  public Uni<Response> open(@HeaderParam(RestIdempotency.HEADER) String idempotencyKey, OpenWalletRequest request) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    if (request == null) {
      throw ApiException.invalid("A JSON body {currency} is required", "MISSING_BODY");
    }
    String currency = Amount.requireCurrency(request.currency(), "currency");
    return wallets.open(Caller.userId(token), key, currency).map(RestIdempotency.Reply::toResponse);
  }

  @GET
  @Path("/{walletId}")
  @Operation(summary = "One of your wallets")
  public Uni<WalletView> get(@PathParam("walletId") String walletId) {
    return wallets.get(Caller.userId(token), Ids.parse(walletId, "walletId")).map(WalletView::of);
  }
}
