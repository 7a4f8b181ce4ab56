package io.farthing.auth.privacy.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.rest.Caller;
import io.farthing.auth.privacy.PrivacyService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The user's data export. Its class path is the full route on purpose: a resource class at
 * "/v1/me" would be matched before UserResource ("/v1") and hide GET /v1/me.
 */
@Path("/v1/me/export")
@Tag(name = "Privacy")
@RolesAllowed("user")
public class ExportResource {
  private final PrivacyService privacy;
  private final JsonWebToken token;

  public ExportResource(PrivacyService privacy, JsonWebToken token) {
    this.privacy = privacy;
    this.token = token;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Everything auth-svc holds about you, as JSON")
  public Uni<Response> export(@Context HttpServerRequest http) {
    return privacy
        .export(Caller.userId(token), Origin.of(http))
        .map(export -> Response.ok(export).header("Cache-Control", "no-store").build());
  }
}
