package io.farthing.auth.consent.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.auth.consent.Allowance;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.farthing.common.rest.Caller;
import io.farthing.common.rest.MoneyBody;
import io.farthing.auth.consent.ConsentService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/me/consents")
@Tag(name = "Consents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class ConsentResource {

  public record GrantRequest(
      @Size(max = 64) String partnerClientId, MoneyBody maxPerCharge, @Valid AllowanceBody allowance) {}

  /** A change of an active consent: both replaced, an absent one removed. */
  public record ChangeRequest(MoneyBody maxPerCharge, @Valid AllowanceBody allowance) {}

  /** Up to {@code limit} per period of {@code interval} (ISO-8601 {@code R[n]/<start>/<duration>}). */
  public record AllowanceBody(MoneyBody limit, @Size(max = 64) String interval) {}

  private final ConsentService consents;
  private final JsonWebToken token;

  public ConsentResource(ConsentService consents, JsonWebToken token) {
    this.consents = consents;
    this.token = token;
  }

  @POST
  @Operation(summary = "Let a partner charge you without you present, optionally up to a per-charge maximum "
      + "and an allowance (up to an amount per period of an ISO-8601 repeating interval); granting again "
      + "replaces both (201 new, 200 replaced)")
  public Uni<Response> grant(@Valid @NotNull GrantRequest request, @Context HttpServerRequest http) {
    Amount maximum = maximum(request.maxPerCharge());
    Allowance allowance = allowance(request.allowance());
    return consents
        .grant(Caller.userId(token), request.partnerClientId(), maximum, allowance, Origin.of(http))
        .map(
            granted ->
                granted.created()
                    ? Response.created(URI.create("/v1/me/consents/" + granted.consent().id()))
                        .entity(granted.consent())
                        .build()
                    : Response.ok(granted.consent()).build());
  }

  @GET
  @Operation(summary = "Your consents, active and revoked, oldest first")
  public Uni<Page<ConsentService.ConsentView>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return consents.list(Caller.userId(token), limit, cursor);
  }

  @PUT
  @Path("/{consentId}")
  @Operation(summary = "Change an active consent's per-charge maximum and allowance (both replaced; "
      + "one left out is removed); counts from the partner's next charge")
  public Uni<ConsentService.ConsentView> change(
      @PathParam("consentId") String consentId, @Valid @NotNull ChangeRequest request,
      @Context HttpServerRequest http) {
    Amount maximum = maximum(request.maxPerCharge());
    Allowance allowance = allowance(request.allowance());
    return consents.change(Caller.userId(token), consentId, maximum, allowance, Origin.of(http));
  }

  private static Amount maximum(MoneyBody body) {
    return body == null ? null : body.positive("maxPerCharge");
  }

  private Allowance allowance(AllowanceBody body) {
    if (body == null) {
      return null;
    }
    if (body.limit() == null) {
      throw ApiException.invalid("allowance.limit is required", "MISSING_FIELD");
    }
    return consents.allowance(body.limit().positive("allowance.limit"), body.interval());
  }

  @DELETE
  @Path("/{consentId}")
  @Operation(summary = "Revoke a consent: the partner can no longer charge you without you present")
  public Uni<Response> revoke(@PathParam("consentId") String consentId, @Context HttpServerRequest http) {
    return consents
        .revoke(Caller.userId(token), consentId, Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
