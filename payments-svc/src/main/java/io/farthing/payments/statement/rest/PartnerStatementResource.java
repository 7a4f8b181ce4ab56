package io.farthing.payments.statement.rest;

import io.farthing.common.Amount;
import io.farthing.payments.statement.Csv;
import io.farthing.payments.statement.StatementCsv;
import io.farthing.payments.statement.StatementService;
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
 * A merchant's monthly statement (partner token with scope payments:read): gross charged, fees,
 * refunds, net and every capture and refund. Months are UTC months.
 */
@Path("/partner/v1/statements")
@Tag(name = "Partner: statements")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
@RolesAllowed("payments:read")
public class PartnerStatementResource {
  private final StatementService statements;
  private final JsonWebToken token;

  public PartnerStatementResource(StatementService statements, JsonWebToken token) {
    this.statements = statements;
    this.token = token;
  }

  @GET
  @Path("/{month}")
  @Operation(summary = "The calling merchant's statement for a UTC month (yyyy-MM) in one currency, JSON or CSV")
  public Uni<Response> get(
      @PathParam("month") String month, @QueryParam("currency") String currency, @QueryParam("format") String format) {
    return Uni.createFrom()
        .deferred(
            () -> {
              StatementResource.Format as = StatementResource.Format.of(format);
              String code = Amount.requireCurrency(currency, "currency");
              return statements
                  .forMerchant(token.getSubject(), StatementService.month(month), code)
                  .map(
                      s ->
                          as == StatementResource.Format.CSV
                              ? StatementResource.Format.csv(
                                  StatementCsv.merchant(s), "statement-" + s.month() + "-" + s.currency())
                              : Response.ok(s, MediaType.APPLICATION_JSON_TYPE).build());
            });
  }
}
