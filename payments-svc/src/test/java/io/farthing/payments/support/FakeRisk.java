package io.farthing.payments.support;

import io.farthing.proto.risk.v1.Decision;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.Reason;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.proto.risk.v1.ReportOutcomeResponse;
import io.farthing.proto.risk.v1.Risk;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.risk.v1.Verdict;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * risk-svc behind its gRPC contract (farthing.risk.v1.Risk), served by the payments test app. By
 * default it allows everything; tests set a verdict per user, or a delay / outage.
 */
@GrpcService
public class FakeRisk implements Risk {
  public static final Map<String, Verdict> VERDICTS = new ConcurrentHashMap<>();
  public static final List<ScoreRequest> SCORED = new CopyOnWriteArrayList<>();
  public static final List<ReportOutcomeRequest> REPORTED = new CopyOnWriteArrayList<>();
  /** Users whose Score answers only after this long (to test the deadline). */
  public static final Map<String, Duration> DELAYS = new ConcurrentHashMap<>();
  public static final Map<String, Boolean> UNAVAILABLE = new ConcurrentHashMap<>();
  /** While set, ReportOutcome answers UNAVAILABLE (risk-svc down for the outcome relay). */
  public static final AtomicBoolean REPORTS_UNAVAILABLE = new AtomicBoolean();

  public static void verdict(UUID user, Verdict verdict) {
    VERDICTS.put(user.toString(), verdict);
  }

  @Override
  public Uni<ScoreResponse> score(ScoreRequest request) {
    SCORED.add(request);
    if (UNAVAILABLE.containsKey(request.getUserId())) {
      return Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException());
    }
    Verdict verdict = VERDICTS.getOrDefault(request.getUserId(), Verdict.VERDICT_ALLOW);
    ScoreResponse response =
        ScoreResponse.newBuilder()
            .setDecisionId(UUID.randomUUID().toString())
            .setVerdict(verdict)
            .setScore(verdict == Verdict.VERDICT_ALLOW ? 50 : 800)
            .addReasons(Reason.newBuilder().setRuleId(verdict == Verdict.VERDICT_ALLOW ? "MODEL" : "test-rule"))
            .build();
    Duration delay = DELAYS.get(request.getUserId());
    Uni<ScoreResponse> answer = Uni.createFrom().item(response);
    return delay == null ? answer : answer.onItem().delayIt().by(delay);
  }

  @Override
  public Uni<ReportOutcomeResponse> reportOutcome(ReportOutcomeRequest request) {
    if (REPORTS_UNAVAILABLE.get()) {
      return Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException());
    }
    REPORTED.add(request);
    return Uni.createFrom().item(ReportOutcomeResponse.newBuilder().setApplied(true).build());
  }

  @Override
  public Uni<Decision> getDecision(GetDecisionRequest request) {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
