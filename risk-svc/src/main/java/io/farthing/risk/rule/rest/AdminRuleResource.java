package io.farthing.risk.rule.rest;

import io.farthing.common.Page;
import io.farthing.risk.rule.DryRun;
import io.farthing.risk.rule.DryRunService;
import io.farthing.risk.rule.RuleBody;
import io.farthing.risk.rule.RuleChangeView;
import io.farthing.risk.rule.RuleService;
import io.farthing.risk.rule.RuleView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Runtime administration of the risk rules. Reads (and dry-runs, which write nothing) are open
 * to admin and support; changes to admin only, recorded under the token's subject.
 */
@Path("/admin/v1/rules")
@Tag(name = "Admin: rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminRuleResource {

  /** @param limit how many recent decisions to replay, 1..risk.rules.dry-run.max-decisions */
  public record DryRunRequest(RuleBody rule, Integer limit) {}

  public record StoredDryRunRequest(Integer limit) {}

  private final RuleService rules;
  private final DryRunService dryRuns;
  private final JsonWebToken token;

  public AdminRuleResource(RuleService rules, DryRunService dryRuns, JsonWebToken token) {
    this.rules = rules;
    this.dryRuns = dryRuns;
    this.token = token;
  }

  @GET
  @Operation(summary = "Every rule, enabled or not, in id order")
  public Uni<Page<RuleView>> list() {
    return rules.list().map(all -> new Page<>(all, null));
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One rule")
  public Uni<RuleView> get(@PathParam("id") String id) {
    return rules.get(id);
  }

  @POST
  @RolesAllowed("admin")
  @Operation(summary = "Create a rule (version 1); live on every replica within the reload interval")
  public Uni<Response> create(RuleBody body) {
    return rules.create(body, actor())
        .map(rule -> Response.created(URI.create("/admin/v1/rules/" + rule.id())).entity(rule).build());
  }

  @PUT
  @Path("/{id}")
  @RolesAllowed("admin")
  @Operation(summary = "Replace a rule's definition; the body carries the version it was read at")
  public Uni<RuleView> update(@PathParam("id") String id, RuleBody body) {
    return rules.update(id, body, actor());
  }

  @POST
  @Path("/{id}/disable")
  @RolesAllowed("admin")
  @Operation(summary = "Stop a rule from firing (idempotent)")
  public Uni<RuleView> disable(@PathParam("id") String id) {
    return rules.disable(id, actor());
  }

  @POST
  @Path("/{id}/enable")
  @RolesAllowed("admin")
  @Operation(summary = "Let a disabled rule fire again (idempotent)")
  public Uni<RuleView> enable(@PathParam("id") String id) {
    return rules.enable(id, actor());
  }

  @GET
  @Path("/{id}/history")
  @Operation(summary = "A rule's changes, newest first, each with the rule as it was right after")
  public Uni<Page<RuleChangeView>> history(
      @PathParam("id") String id, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return rules.history(id, limit, cursor);
  }

  @POST
  @Path("/dry-run")
  @Operation(summary = "Replay a candidate rule over recent decisions; nothing is written")
  public Uni<DryRun.Result> dryRun(DryRunRequest request) {
    return dryRuns.candidate(request == null ? null : request.rule(), request == null ? null : request.limit());
  }

  @POST
  @Path("/{id}/dry-run")
  @Operation(summary = "Replay a stored rule (as if enabled) over recent decisions; nothing is written")
  public Uni<DryRun.Result> dryRunStored(@PathParam("id") String id, StoredDryRunRequest request) {
    return dryRuns.stored(id, request == null ? null : request.limit());
  }

  // Quarkus maps a body of the wrong JSON shape with its own mapper (plain JSON) and a truncated
  // one as a bare 400 before the common problem mappers see them; these keep this API's bad
  // bodies MALFORMED_BODY problems like every other refusal.
  private String actor() {
    return token.getSubject();
  }
}
