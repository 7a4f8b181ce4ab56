package io.farthing.auth.consent.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.Amount;
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

  public record GrantRequest(@Size(max = 64) String partnerClientId, MoneyBody maxPerCharge) {}

  private final ConsentService consents;
  private final JsonWebToken token;

  public ConsentResource(ConsentService consents, JsonWebToken token) {
    this.consents = consents;
    this.token = token;
  }

  @POST
  @Operation(summary = "Let a partner charge you without you present, optionally up to a per-charge maximum; "
      + "granting again replaces the maximum (201 new, 200 replaced)")
  public Uni<Response> grant(@Valid @NotNull GrantRequest request, @Context HttpServerRequest http) {
    Amount maximum = request.maxPerCharge() == null ? null : request.maxPerCharge().positive("maxPerCharge");
    return consents
        .grant(Caller.userId(token), request.partnerClientId(), maximum, Origin.of(http))
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

  @DELETE
  @Path("/{consentId}")
  @Operation(summary = "Revoke a consent: the partner can no longer charge you without you present")
  public Uni<Response> revoke(@PathParam("consentId") String consentId, @Context HttpServerRequest http) {
    return consents
        .revoke(Caller.userId(token), consentId, Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
