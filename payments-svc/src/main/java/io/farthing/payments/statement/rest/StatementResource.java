package io.farthing.payments.statement.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.rest.Caller;
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

/** A person's monthly statement of one wallet; the month is theirs, in their time zone. */
@Path("/v1/statements")
@Tag(name = "Receipts and statements")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
@RolesAllowed("user")
public class StatementResource {
  private final StatementService statements;
  private final JsonWebToken token;

  public StatementResource(StatementService statements, JsonWebToken token) {
    this.statements = statements;
    this.token = token;
  }

  @GET
  @Path("/{month}")
  @Operation(summary = "The caller's statement for a month (yyyy-MM) in one currency, as JSON or CSV")
  public Uni<Response> get(
      @PathParam("month") String month, @QueryParam("currency") String currency, @QueryParam("format") String format) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Format as = Format.of(format);
              String code = Amount.requireCurrency(currency, "currency");
              return statements
                  .forUser(Caller.userId(token), StatementService.month(month), code)
                  .map(
                      s ->
                          as == Format.CSV
                              ? Format.csv(StatementCsv.user(s), "statement-" + s.month() + "-" + s.currency())
                              : Response.ok(s, MediaType.APPLICATION_JSON_TYPE).build());
            });
  }

  /** json (the default) or csv. */
  public enum Format {
    JSON,
    CSV;

    public static Format of(String format) {
      if (format == null || format.isEmpty() || format.equals("json")) {
        return JSON;
      }
      if (format.equals("csv")) {
        return CSV;
      }
      throw ApiException.invalid("format must be json or csv", "INVALID_FORMAT");
    }

    public static Response csv(String body, String name) {
      return Response.ok(body, Csv.MEDIA_TYPE + ";charset=UTF-8")
          .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
          .build();
    }
  }
}
