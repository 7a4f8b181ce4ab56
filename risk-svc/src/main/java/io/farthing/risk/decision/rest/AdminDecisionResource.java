package io.farthing.risk.decision.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.risk.decision.Decision;
import io.farthing.risk.decision.DecisionService;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.RiskContext;
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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators look up and explain decisions, and report outcomes by hand (support cases). */
@Path("/admin/v1/decisions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "decisions")
public class AdminDecisionResource {
  private static final int MAX_LIMIT = 100;

  public record DecisionView(
      String id,
      Instant decidedAt,
      String verdict,
      int score,
      int rulePoints,
      int modelPoints,
      String modelVersion,
      boolean degraded,
      int challengeAt,
      int denyAt,
      RiskContext request,
      Map<String, String> features,
      List<Reason> reasons,
      List<Outcome> outcomes,
      String explanation) {

    static DecisionView of(Decision d) {
      return new DecisionView(
          d.id().toString(), d.decidedAt(), d.verdict().name(), d.score(), d.rulePoints(), d.modelPoints(),
          d.modelVersion(), d.degraded(), d.thresholds().challengeAt(), d.thresholds().denyAt(), d.context(),
          d.features().asText(), d.reasons(), d.outcomes(), explain(d));
    }

    /** The decision in one sentence a support agent can read out. */
    static String explain(Decision d) {
      StringBuilder text =
          new StringBuilder()
              .append(d.verdict().name())
              .append(" with score ")
              .append(d.score())
              .append(" (challenge at ")
              .append(d.thresholds().challengeAt())
              .append(", deny at ")
              .append(d.thresholds().denyAt())
              .append("): ");
      if (d.reasons().isEmpty()) {
        text.append("no rule fired");
      }
      for (int i = 0; i < d.reasons().size(); i++) {
        Reason r = d.reasons().get(i);
        text.append(i == 0 ? "" : "; ").append(r.ruleId()).append(" ").append(r.points() >= 0 ? "+" : "")
            .append(r.points());
        if (r.forcedVerdict() != null) {
          text.append(" (forces ").append(r.forcedVerdict().name()).append(")");
        }
        text.append(" — ").append(r.description());
      }
      return text.toString();
    }
  }

  public record OutcomeBody(String outcome) {}

  public record OutcomeView(boolean applied, String modelVersion) {}

  private final DecisionService decisions;
  private final JsonWebToken token;

  public AdminDecisionResource(DecisionService decisions, JsonWebToken token) {
    this.decisions = decisions;
    this.token = token;
  }

  @GET
  @Path("/{id}")
  @RolesAllowed({"admin", "support"})
  @Operation(summary = "A decision with its inputs, features, reasons and an explanation")
  public Uni<DecisionView> get(@PathParam("id") String id) {
    return decisions.get(Ids.parse(id, "id")).map(DecisionView::of);
  }

  @GET
  @RolesAllowed({"admin", "support"})
  @Operation(summary = "A user's latest decisions, newest first")
  public Uni<List<DecisionView>> ofUser(@QueryParam("userId") String userId, @QueryParam("limit") Integer limit) {
    int size = limit == null ? 20 : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw ApiException.invalid("limit must be between 1 and " + MAX_LIMIT, "INVALID_LIMIT");
    }
    return decisions
        .recentOfUser(Ids.parse(userId, "userId"), size)
        .map(list -> list.stream().map(DecisionView::of).toList());
  }

  @POST
  @Path("/{id}/outcomes")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({"admin", "support"})
  @Operation(summary = "Report what became of the payment (the REST mirror of ReportOutcome)")
  public Uni<OutcomeView> report(@PathParam("id") String id, OutcomeBody body) {
    Outcome outcome = parseOutcome(body == null ? null : body.outcome());
    return decisions
        .report(Ids.parse(id, "id"), outcome, "admin:" + token.getSubject())
        .map(r -> new OutcomeView(r.applied(), r.modelVersion()));
  }

  private static Outcome parseOutcome(String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.invalid("outcome is required", "MISSING_FIELD");
    }
    try {
      return Outcome.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "outcome must be FRAUD, LEGITIMATE, DISPUTE_WON, DISPUTE_LOST or REFUNDED", "INVALID_OUTCOME");
    }
  }
}
