package io.farthing.risk.score;

import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.proto.risk.v1.Decision;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.MutinyRiskGrpc;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Scores arriving at once for one user: every one is counted exactly once, none is lost. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ConcurrentScoreTest {
  private static final int CALLS = 60;

  @GrpcClient("risk")
  MutinyRiskGrpc.MutinyRiskStub async;

  @GrpcClient("risk")
  RiskGrpc.RiskBlockingStub blocking;

  private String token() {
    return TestTokens.client("fcl_payments-svc", "risk:score");
  }

  @Test
  void concurrentPaymentsOfOneUserEachSeeADistinctCount() throws Exception {
    UUID user = UUID.randomUUID();
    MutinyRiskGrpc.MutinyRiskStub stub = withToken(async, token());
    List<CompletableFuture<ScoreResponse>> calls = new ArrayList<>();
    // One event time for all: a window (t - 24 h, t] then holds exactly the payments that
    // reached Redis before, so the counts show the order Redis applied them in.
    com.google.protobuf.Timestamp sameTime = io.farthing.risk.support.Payments.at(java.time.Instant.now());
    for (int i = 0; i < CALLS; i++) {
      calls.add(stub.score(aPayment(user).setAt(sameTime).build()).subscribeAsCompletionStage());
    }
    Set<Long> counts = new TreeSet<>();
    for (CompletableFuture<ScoreResponse> call : calls) {
      ScoreResponse answer = call.get(30, TimeUnit.SECONDS);
      Decision stored =
          withToken(blocking, token())
              .getDecision(GetDecisionRequest.newBuilder().setDecisionId(answer.getDecisionId()).build());
      counts.add(Long.parseLong(stored.getFeaturesOrThrow("count_24h")));
    }
    // The feature update is atomic: the 60 payments saw 1, 2, ..., 60 — no two saw the same count.
    assertEquals(LongStream.rangeClosed(1, CALLS).boxed().collect(Collectors.toCollection(TreeSet::new)), counts);
    assertEquals(CALLS, Sql.count("select count(*) from decisions where user_id = ?1", user));
  }

  @Test
  void concurrentReportsOfOneOutcomeAreAppliedOnce() throws Exception {
    String both = TestTokens.client("fcl_payments-svc", "risk:score", "risk:report");
    ScoreResponse paid = withToken(blocking, both).score(aPayment(UUID.randomUUID()).build());
    io.farthing.proto.risk.v1.ReportOutcomeRequest report =
        io.farthing.proto.risk.v1.ReportOutcomeRequest.newBuilder()
            .setDecisionId(paid.getDecisionId())
            .setOutcome(io.farthing.proto.risk.v1.Outcome.OUTCOME_DISPUTE_LOST)
            .build();
    long updatesBefore = Sql.count("select updates from model_versions where active");
    MutinyRiskGrpc.MutinyRiskStub stub = withToken(async, both);
    List<CompletableFuture<io.farthing.proto.risk.v1.ReportOutcomeResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(stub.reportOutcome(report).subscribeAsCompletionStage());
    }
    int applied = 0;
    for (CompletableFuture<io.farthing.proto.risk.v1.ReportOutcomeResponse> call : calls) {
      applied += call.get(30, TimeUnit.SECONDS).getApplied() ? 1 : 0;
    }
    assertEquals(1, applied);
    assertEquals(1, Sql.count("select count(*) from outcomes where decision_id = ?1", UUID.fromString(paid.getDecisionId())));
    assertEquals(updatesBefore + 1, Sql.count("select updates from model_versions where active"));
  }

  @Test
  void concurrentRetriesOfOneRequestGetOneDecision() throws Exception {
    ScoreRequest request = aPayment(UUID.randomUUID()).build();
    MutinyRiskGrpc.MutinyRiskStub stub = withToken(async, token());
    List<CompletableFuture<ScoreResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(stub.score(request).subscribeAsCompletionStage());
    }
    Set<String> ids = new HashSet<>();
    for (CompletableFuture<ScoreResponse> call : calls) {
      ids.add(call.get(30, TimeUnit.SECONDS).getDecisionId());
    }
    assertEquals(1, ids.size());
    assertEquals(1, Sql.count("select count(*) from decisions where request_id = ?1", request.getRequestId()));
  }
}
