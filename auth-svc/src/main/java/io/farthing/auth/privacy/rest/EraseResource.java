package io.farthing.auth.privacy.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.rest.Caller;
import io.farthing.auth.privacy.PrivacyService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The user's own erasure. Full route as class path, like {@link ExportResource}. */
@Path("/v1/me/erase")
@Tag(name = "Privacy")
@RolesAllowed("user")
public class EraseResource {

  public record EraseRequest(@NotNull @Size(max = 256) String password) {}

  private final PrivacyService privacy;
  private final JsonWebToken token;

  public EraseResource(PrivacyService privacy, JsonWebToken token) {
    this.privacy = privacy;
    this.token = token;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Erase your account and personal data; confirmed with your password. Cannot be undone")
  public Uni<Response> erase(@Valid @NotNull EraseRequest request, @Context HttpServerRequest http) {
    return privacy
        .eraseSelf(Caller.userId(token), request.password(), Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
