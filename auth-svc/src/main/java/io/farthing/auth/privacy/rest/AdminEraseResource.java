package io.farthing.auth.privacy.rest;

import io.farthing.auth.audit.AuditLog;
import io.farthing.common.Ids;
import io.farthing.auth.privacy.PrivacyService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Erasure on a support request. Its own path, so other admin user routes can live elsewhere. */
@Path("/admin/v1/users/{userId}/erase")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminEraseResource {
  private final PrivacyService privacy;
  private final JsonWebToken token;

  public AdminEraseResource(PrivacyService privacy, JsonWebToken token) {
    this.privacy = privacy;
    this.token = token;
  }

  @POST
  @Operation(summary = "Erase a user's account and personal data (support request). Cannot be undone")
  public Uni<Response> erase(@PathParam("userId") String userId) {
    return privacy
        .eraseByAdmin(Ids.parse(userId, "userId"), new AuditLog.Actor("admin", token.getSubject()))
        .replaceWith(Response.noContent().build());
  }
}
