package io.farthing.risk.score.grpc;

import io.farthing.common.Ids;
import io.farthing.proto.risk.v1.Decision;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.proto.risk.v1.ReportOutcomeResponse;
import io.farthing.proto.risk.v1.Risk;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.risk.decision.DecisionService;
import io.farthing.risk.score.ScoreService;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * farthing.risk.v1.Risk: authorisation per RPC, mapping, one service call. Score and
 * GetDecision need scope risk:score; ReportOutcome needs risk:report.
 */
@GrpcService
public class RiskGrpcService implements Risk {
  public static final String SCOPE_SCORE = "risk:score";
  public static final String SCOPE_REPORT = "risk:report";

  private final ScoreService scoring;
  private final DecisionService decisions;
  private final ScoreRequests requests;
  private final CurrentIdentityAssociation identity;

  public RiskGrpcService(
      ScoreService scoring, DecisionService decisions, ScoreRequests requests, CurrentIdentityAssociation identity) {
    this.scoring = scoring;
    this.decisions = decisions;
    this.requests = requests;
    this.identity = identity;
  }

  @Override
  @RolesAllowed(SCOPE_SCORE)
  public Uni<ScoreResponse> score(ScoreRequest request) {
    // Read while still inside the call's gRPC context.
    Duration deadline = DeadlineInterceptor.remaining();
    return guarded(
        () ->
            identity
                .getDeferredIdentity()
                .chain(
                    caller ->
                        scoring.score(requests.toContext(request, caller.getPrincipal().getName()), deadline))
                .map(scored -> DecisionMessages.response(scored.decision(), scored.replayed())));
  }

  @Override
  @RolesAllowed(SCOPE_REPORT)
  public Uni<ReportOutcomeResponse> reportOutcome(ReportOutcomeRequest request) {
    return guarded(
        () ->
            identity
                .getDeferredIdentity()
                .chain(
                    caller ->
                        decisions.report(
                            Ids.parse(request.getDecisionId(), "decision_id"),
                            DecisionMessages.outcome(request.getOutcome()),
                            caller.getPrincipal().getName()))
                .map(
                    reported ->
                        ReportOutcomeResponse.newBuilder()
                            .setApplied(reported.applied())
                            .setModelVersion(reported.modelVersion())
                            .build()));
  }

  @Override
  @RolesAllowed(SCOPE_SCORE)
  public Uni<Decision> getDecision(GetDecisionRequest request) {
    return guarded(
        () -> decisions.get(Ids.parse(request.getDecisionId(), "decision_id")).map(DecisionMessages::decision));
  }

  /** A synchronous throw (bad input) fails the Uni, so GrpcExceptionHandler maps it in one place. */
  private static <T> Uni<T> guarded(Supplier<Uni<? extends T>> call) {
    return Uni.createFrom().<T>deferred(call);
  }
}
