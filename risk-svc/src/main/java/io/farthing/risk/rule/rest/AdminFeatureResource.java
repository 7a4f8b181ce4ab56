package io.farthing.risk.rule.rest;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.rule.Operator;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The vocabulary rules are written in: every feature, its kind and the operators it takes. */
@Path("/admin/v1/features")
@Tag(name = "Admin: rules")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminFeatureResource {

  public record FeatureView(String name, FeatureNames.Kind kind, String description, Set<Operator> operators) {}

  public record FeatureList(List<FeatureView> items) {}

  private static final FeatureList ALL = new FeatureList(FeatureNames.all().values().stream()
      .map(d -> new FeatureView(d.name(), d.kind(), d.description(), Operator.allowedFor(d.kind())))
      .toList());

  @GET
  @Operation(summary = "The features a rule condition may name")
  public FeatureList list() {
    return ALL;
  }
}
