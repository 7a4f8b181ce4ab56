package io.farthing.risk.score;

import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.risk.support.Payments.eur;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.proto.risk.v1.Decision;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.Reason;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.risk.feature.StalledRedis;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis accepts connections and never answers. Score still answers inside the caller's
 * deadline, with the degraded policy and a reason that says so, and the decision is stored.
 */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(value = StalledRedis.class, restrictToAnnotatedClass = true)
class DegradedScoreTest {

  @GrpcClient("risk")
  RiskGrpc.RiskBlockingStub plain;

  RiskGrpc.RiskBlockingStub risk(long deadlineMs) {
    return withToken(plain, TestTokens.client("fcl_payments-svc", "risk:score"))
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The first call after start opens database connections and runs cold code; the deadlines
   * below are about Redis, so that cost is paid here, with room to spare.
   */
  @org.junit.jupiter.api.BeforeEach
  void warmUp() {
    risk(10_000).score(aPayment(UUID.randomUUID()).setAmount(eur(10)).build());
  }

  @Test
  void aSmallPaymentIsAllowedWithADegradedReasonInsideTheDeadline() {
    ScoreResponse answer = risk(200).score(aPayment(UUID.randomUUID()).setAmount(eur(120)).build());

    assertTrue(answer.getDegraded());
    assertEquals(Verdict.VERDICT_ALLOW, answer.getVerdict(), answer.toString());
    Reason degraded = answer.getReasonsList().stream().filter(r -> r.getRuleId().equals("DEGRADED")).findFirst().orElseThrow();
    // The first calls time out; once they have, the circuit breaker stops waiting for Redis at all.
    assertTrue(
        java.util.Set.of("REDIS_TIMEOUT", "CIRCUIT_OPEN").contains(degraded.getFeaturesOrThrow("cause")),
        degraded.toString());
    assertEquals(0, answer.getModelPoints());
  }

  @Test
  void aLargerPaymentIsChallengedNotAllowed() {
    ScoreResponse answer = risk(200).score(aPayment(UUID.randomUUID()).setAmount(eur(2_500)).build());

    assertTrue(answer.getDegraded());
    assertEquals(Verdict.VERDICT_CHALLENGE, answer.getVerdict(), answer.toString());
  }

  @Test
  void aShortDeadlineStillGetsAnAnswerAndTheDecisionIsStored() {
    ScoreResponse answer = risk(60).score(aPayment(UUID.randomUUID()).setAmount(eur(50)).build());

    Decision stored =
        risk(2_000).getDecision(GetDecisionRequest.newBuilder().setDecisionId(answer.getDecisionId()).build());
    assertTrue(stored.getResponse().getDegraded());
    assertEquals("1", stored.getFeaturesOrThrow("degraded"));
    assertFalse(stored.getFeaturesMap().containsKey("count_1m"), "no Redis feature is made up");
    assertEquals("50", stored.getFeaturesOrThrow("amount_minor"));
  }
}
