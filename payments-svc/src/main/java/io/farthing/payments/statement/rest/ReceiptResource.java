package io.farthing.payments.statement.rest;

import io.farthing.common.Amount;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.common.rest.Caller;
import io.farthing.payments.statement.Receipt;
import io.farthing.payments.statement.ReceiptService;
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

/** A person's receipts: every movement on their wallets. */
@Path("/v1/receipts")
@Tag(name = "Receipts and statements")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class ReceiptResource {
  private final ReceiptService receipts;
  private final JsonWebToken token;

  public ReceiptResource(ReceiptService receipts, JsonWebToken token) {
    this.receipts = receipts;
    this.token = token;
  }

  @GET
  @Operation(summary = "The caller's receipts, newest first, keyset-paged; optionally in one currency")
  public Uni<Page<Receipt>> list(
      @QueryParam("currency") String currency, @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
    return Uni.createFrom()
        .deferred(() -> receipts.list(Caller.userId(token), currency(currency), cursor, limit));
  }

  @GET
  @Path("/{postingId}")
  @Operation(summary = "One receipt by its posting id; another user's is 404")
  public Uni<Receipt> get(@PathParam("postingId") String postingId, @QueryParam("currency") String currency) {
    return Uni.createFrom()
        .deferred(
            () -> receipts.get(Caller.userId(token), Ids.parse(postingId, "postingId"), currency(currency)));
  }

  private static String currency(String currency) {
    return currency == null || currency.isEmpty() ? null : Amount.requireCurrency(currency, "currency");
  }
}
