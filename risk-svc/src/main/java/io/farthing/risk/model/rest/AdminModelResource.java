package io.farthing.risk.model.rest;

import io.farthing.risk.model.ModelService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/v1/model")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminModelResource {
  private final ModelService model;

  public AdminModelResource(ModelService model) {
    this.model = model;
  }

  @GET
  @Operation(summary = "The active fraud model: version, feedback updates, weights, features and held-out metrics")
  public Uni<ModelService.ModelView> get() {
    return model.describe();
  }
}
