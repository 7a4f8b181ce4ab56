package io.farthing.payments.limit.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.rest.Caller;
import io.farthing.payments.limit.CapService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A person's own limits: their KYC tier's, the caps they set themselves, and what they spent
 * today and this month (their day, in their time zone).
 */
@Path("/v1/limits")
@Tag(name = "Limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class LimitResource {
  static final String DAILY = "dailyCapMinor";
  static final String MONTHLY = "monthlyCapMinor";

  private final CapService caps;
  private final JsonWebToken token;

  public LimitResource(CapService caps, JsonWebToken token) {
    this.caps = caps;
    this.token = token;
  }

  @GET
  @Operation(summary = "The caller's limits, caps (in force and pending) and spending in one currency")
  public Uni<CapService.CapsView> get(@QueryParam("currency") String currency) {
    return Uni.createFrom()
        .deferred(() -> caps.view(Caller.userId(token), Amount.requireCurrency(currency, "currency")));
  }

  /**
   * Body: {@code {"dailyCapMinor": 500, "monthlyCapMinor": null}}; both keys are required, null
   * means no cap of one's own. Stricter caps apply at once, looser ones after the cool-off. The
   * call is idempotent by nature: repeating it changes nothing and emits no event.
   */
  @PUT
  @Path("/{currency}")
  @Operation(summary = "Set the caller's daily and monthly caps in one currency (null = no cap)")
  public Uni<CapService.CapsView> put(@PathParam("currency") String currency, JsonNode body) {
    return Uni.createFrom()
        .deferred(
            () -> {
              String code = Amount.requireCurrency(currency, "currency");
              if (body == null || body.isMissingNode() || body.isNull()) {
                throw ApiException.invalid("A body with dailyCapMinor and monthlyCapMinor is required", "MISSING_BODY");
              }
              if (!body.isObject()) {
                throw ApiException.invalid("The body must be a JSON object", "MALFORMED_BODY");
              }
              return caps.set(Caller.userId(token), code, cap(body, DAILY), cap(body, MONTHLY));
            });
  }

  /** A cap in whole minor units, or null; the key itself must be there (null says "no cap"). */
  static Long cap(JsonNode body, String field) {
    if (!body.has(field)) {
      throw ApiException.invalid(field + " is required (null for no cap)", "MISSING_FIELD");
    }
    JsonNode value = body.get(field);
    if (value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiException.invalid(field + " must be a whole number of minor units, or null", "INVALID_CAP");
    }
    return checked(value.longValue(), field);
  }

  private static long checked(long capMinor, String field) {
    if (capMinor < 0) {
      throw ApiException.invalid(field + " must not be negative", "INVALID_CAP");
    }
    return capMinor;
  }
}
