package io.farthing.payments.settlement.rest;

import io.farthing.common.Amount;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.payments.settlement.SettlementService;
import io.farthing.payments.settlement.WindowStatement;
import io.farthing.payments.settlement.WindowView;
import io.farthing.payments.statement.Csv;
import io.farthing.payments.statement.StatementCsv;
import io.farthing.payments.statement.rest.StatementResource;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The REST mirror of farthing.payments.v1.Settlements (partner token with scope payments:read):
 * the calling merchant's settlement windows and each window's statement, JSON or CSV.
 */
@Path("/partner/v1/settlement-windows")
@Tag(name = "Partner: settlement")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
@RolesAllowed("payments:read")
public class PartnerSettlementResource {
  private final SettlementService settlement;
  private final JsonWebToken token;

  public PartnerSettlementResource(SettlementService settlement, JsonWebToken token) {
    this.settlement = settlement;
    this.token = token;
  }

  @GET
  @Operation(summary = "The calling merchant's settlement windows, newest first (optionally in one currency)")
  public Uni<Page<WindowView>> list(
      @QueryParam("currency") String currency, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return Uni.createFrom()
        .deferred(
            () -> {
              String code = currency == null ? null : Amount.requireCurrency(currency, "currency");
              return WindowPages.page(
                  limit, cursor, (after, n) -> settlement.list(token.getSubject(), code, null, after, n), WindowView::of);
            });
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One of the calling merchant's settlement windows")
  public Uni<WindowView> get(@PathParam("id") String id) {
    return Uni.createFrom()
        .deferred(() -> settlement.get(token.getSubject(), Ids.parse(id, "id")).map(WindowView::of));
  }

  @GET
  @Path("/{id}/statement")
  @Operation(summary = "A settlement window's statement: charges, refunds, fees and net, JSON or CSV")
  public Uni<Response> statement(@PathParam("id") String id, @QueryParam("format") String format) {
    return Uni.createFrom()
        .deferred(
            () -> {
              StatementResource.Format as = StatementResource.Format.of(format);
              return settlement
                  .statement(token.getSubject(), Ids.parse(id, "id"))
                  .map(s -> as == StatementResource.Format.CSV ? csv(s) : Response.ok(s, MediaType.APPLICATION_JSON_TYPE).build());
            });
  }

  private static Response csv(WindowStatement s) {
    WindowView w = s.window();
    String body =
        StatementCsv.merchantLines(
            w.currency(), w.startsAt(), w.closedAt() == null ? null : w.endsAt(), 0, s.lines(), s.totals().netMinor());
    return StatementResource.Format.csv(body, "settlement-" + w.windowId());
  }
}
