package io.farthing.payments.ledger.rest;

import io.farthing.common.Ids;
import io.farthing.payments.ledger.Reconciliation;
import io.farthing.payments.ledger.ReconciliationReport;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reconciliation of the ledger (money rule 2): run it now, read the latest or any stored run. */
@Path("/admin/v1/reconciliation/runs")
@Tag(name = "Admin: reconciliation")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminReconciliationResource {
  private final Reconciliation reconciliation;
  private final JsonWebToken token;

  public AdminReconciliationResource(Reconciliation reconciliation, JsonWebToken token) {
    this.reconciliation = reconciliation;
    this.token = token;
  }

  @POST
  @RolesAllowed("admin")
  @Operation(summary = "Run reconciliation now and store the run; 409 while another run is in progress")
  public Uni<Response> run() {
    return reconciliation
        .runNow(token.getSubject())
        .map(
            report ->
                Response.created(URI.create("/admin/v1/reconciliation/runs/" + report.id())).entity(report).build());
  }

  @GET
  @Path("/latest")
  @Operation(summary = "The latest run, scheduled or not")
  public Uni<ReconciliationReport> latest() {
    return reconciliation.latest();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One stored run")
  public Uni<ReconciliationReport> get(@PathParam("id") String id) {
    return Uni.createFrom().deferred(() -> reconciliation.get(Ids.parse(id, "id")));
  }
}
