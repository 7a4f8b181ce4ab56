package io.farthing.risk.aml.rest;

import io.farthing.common.Page;
import io.farthing.risk.aml.AmlCaseView;
import io.farthing.risk.aml.AmlService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** AML cases for compliance staff: list, read and resolve (admin and support alike). */
@Path("/admin/v1/cases")
@Tag(name = "Admin: AML cases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminCaseResource {

  /** @param resolution CLEARED, REPORTED or ACCOUNT_RESTRICTED */
  public record ResolveRequest(String resolution, String note) {}

  private final AmlService cases;
  private final JsonWebToken token;

  public AdminCaseResource(AmlService cases, JsonWebToken token) {
    this.cases = cases;
    this.token = token;
  }

  // Quarkus maps a body of the wrong JSON shape with its own mapper (plain JSON) and a truncated
  // one as a bare 400 before the common problem mappers see them; these keep this API's bad
  // bodies MALFORMED_BODY problems like every other refusal.
  @GET
  @Operation(summary = "Cases, newest opened first, keyset-paged; filter by status and user")
  public Uni<Page<AmlCaseView>> list(
      @QueryParam("status") String status,
      @QueryParam("userId") String userId,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    return cases.list(status, userId, limit, cursor);
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One case")
  public Uni<AmlCaseView> get(@PathParam("id") String id) {
    return cases.get(id);
  }

  @POST
  @Path("/{id}/resolve")
  @Operation(summary = "Resolve an open case: CLEARED, REPORTED or ACCOUNT_RESTRICTED, with an optional note")
  public Uni<AmlCaseView> resolve(@PathParam("id") String id, ResolveRequest request) {
    return cases.resolve(id, request == null ? null : request.resolution(), request == null ? null : request.note(),
        token.getSubject());
  }
}
