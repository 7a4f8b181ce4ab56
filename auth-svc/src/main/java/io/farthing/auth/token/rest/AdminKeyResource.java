package io.farthing.auth.token.rest;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.token.SigningKeyService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/v1/signing-keys")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminKeyResource {
  private final SigningKeyService signingKeys;
  private final JsonWebToken token;

  public AdminKeyResource(SigningKeyService signingKeys, JsonWebToken token) {
    this.signingKeys = signingKeys;
    this.token = token;
  }

  @POST
  @Path("/rotate")
  @Operation(
      summary = "Rotate the JWT signing key",
      description = "The next key is published now and signs after auth.jwt.publish-ahead; "
          + "immediate=true (a compromised key) makes it sign at once. The old key stays "
          + "published until every token it signed has expired.")
  public Uni<Map<String, String>> rotate(
      @QueryParam("immediate") @DefaultValue("false") boolean immediate, @Context HttpServerRequest http) {
    return signingKeys
        .rotate(immediate, new AuditLog.Actor("admin", token.getSubject()), Origin.of(http))
        .map(key -> Map.of("kid", key.kid, "activatesAt", key.activatesAt.toString()));
  }
}
