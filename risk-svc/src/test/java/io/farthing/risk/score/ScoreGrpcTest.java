package io.farthing.risk.score;

import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.risk.support.Payments.aTopUp;
import static io.farthing.risk.support.Payments.at;
import static io.farthing.risk.support.Payments.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.Decision;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.Outcome;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.proto.risk.v1.ReportOutcomeResponse;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Score, GetDecision and ReportOutcome through the real gRPC API, Redis and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ScoreGrpcTest {
  private static final String PAYMENTS = "fcl_payments-svc";

  @GrpcClient("risk")
  RiskGrpc.RiskBlockingStub plain;

  RiskGrpc.RiskBlockingStub risk() {
    return withToken(plain, TestTokens.client(PAYMENTS, "risk:score", "risk:report"));
  }

  @Test
  void scoresAnOrdinaryPaymentAndStoresItWithItsFeatures() {
    UUID user = UUID.randomUUID();
    ScoreRequest request = aPayment(user).build();

    ScoreResponse answer = risk().score(request);

    assertEquals(Verdict.VERDICT_ALLOW, answer.getVerdict(), answer.toString());
    assertFalse(answer.getDegraded());
    assertFalse(answer.getReplayed());
    assertTrue(answer.getScore() < answer.getChallengeAt());
    assertEquals(answer.getScore(), Math.min(1000, Math.max(0, answer.getRulePoints() + answer.getModelPoints())));
    Decision stored = risk().getDecision(GetDecisionRequest.newBuilder().setDecisionId(answer.getDecisionId()).build());
    assertEquals(answer.getScore(), stored.getResponse().getScore());
    assertEquals(answer.getReasonsList(), stored.getResponse().getReasonsList());
    assertEquals(request.getUserId(), stored.getRequest().getUserId());
    assertEquals(150, stored.getRequest().getAmount().getAmountMinor());
    assertEquals("1", stored.getFeaturesOrThrow("count_1m"));
    assertEquals("150", stored.getFeaturesOrThrow("sum_24h"));
    assertEquals("IN_APP", stored.getFeaturesOrThrow("channel"));
  }

  @Test
  void rejectsBadInputWithAReasonAndStoresNothing() {
    record Case(String reason, UnaryOperator<ScoreRequest.Builder> change) {}
    List<Case> cases =
        List.of(
            new Case("INVALID_AMOUNT", b -> b.setAmount(eur(-5))),
            new Case("INVALID_AMOUNT", b -> b.setAmount(eur(0))),
            new Case("INVALID_CURRENCY", b -> b.setAmount(eur(100).toBuilder().setCurrency("XYZ"))),
            new Case("INVALID_CURRENCY", b -> b.setAmount(eur(100).toBuilder().setCurrency("eur"))),
            new Case("MISSING_FIELD", b -> b.setAmount(eur(100).toBuilder().setCurrency(""))),
            new Case("MISSING_FIELD", b -> b.clearAmount()),
            new Case("MISSING_FIELD", b -> b.clearUserId()),
            new Case("INVALID_ID", b -> b.setUserId("not-a-uuid")),
            new Case("MISSING_FIELD", b -> b.clearRequestId()),
            new Case("FIELD_TOO_LONG", b -> b.setDeviceId("d".repeat(129))),
            new Case("MISSING_FIELD", b -> b.setChannel(Channel.CHANNEL_UNSPECIFIED)),
            new Case("MISSING_FIELD", b -> b.clearMerchantId()),
            new Case("INVALID_KYC_TIER", b -> b.setKycTier(7)),
            new Case("INVALID_SECURITY_LEVEL", b -> b.setSecurityLevel("PARANOID")),
            new Case("INVALID_LOCATION", b -> b.setHasLocation(true).setLatitudeE6(91_000_000)),
            new Case("INVALID_TIME", b -> b.setAt(at(Instant.now().plus(Duration.ofHours(1))))),
            new Case("INVALID_TIME", b -> b.setAt(at(Instant.now().minus(Duration.ofDays(30))))),
            new Case("INVALID_IP", b -> b.setIp("not-an-ip")),
            new Case("INVALID_COUNTRY", b -> b.setCountry("France")),
            new Case("MISSING_FIELD", b -> b.setChannel(Channel.CHANNEL_P2P).clearCounterpartyUserId()));
    for (Case c : cases) {
      String requestId = "bad-" + UUID.randomUUID();
      ScoreRequest request = c.change().apply(aPayment(UUID.randomUUID()).setRequestId(requestId)).build();
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> risk().score(request));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(refused), c.reason());
      // A refusal whose request id was cleared or too long cannot be looked up by it: check the rest.
      assertEquals(c.reason(), reason(refused));
      assertEquals(0, Sql.count("select count(*) from decisions where request_id = ?1", requestId));
    }
  }

  @Test
  void refusesCallersWithoutTheRightToken() {
    ScoreRequest request = aPayment(UUID.randomUUID()).build();
    assertEquals(Status.Code.UNAUTHENTICATED, code(assertThrows(StatusRuntimeException.class, () -> plain.score(request))));
    assertEquals(
        Status.Code.UNAUTHENTICATED,
        code(assertThrows(StatusRuntimeException.class,
            () -> withToken(plain, TestTokens.expiredClient(PAYMENTS, "risk:score")).score(request))));
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        code(assertThrows(StatusRuntimeException.class,
            () -> withToken(plain, TestTokens.client("fcl_partner", "payments:charge")).score(request))));
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        code(assertThrows(StatusRuntimeException.class,
            () -> withToken(plain, TestTokens.user(UUID.randomUUID(), "user")).score(request))));
    ScoreResponse scored = risk().score(request);
    ReportOutcomeRequest report =
        ReportOutcomeRequest.newBuilder().setDecisionId(scored.getDecisionId()).setOutcome(Outcome.OUTCOME_FRAUD).build();
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        code(assertThrows(StatusRuntimeException.class,
            () -> withToken(plain, TestTokens.client(PAYMENTS, "risk:score")).reportOutcome(report))));
    assertEquals(0, Sql.count("select count(*) from outcomes where decision_id = ?1", UUID.fromString(scored.getDecisionId())));
  }

  @Test
  void answersARetryWithTheFirstDecisionAndCountsThePaymentOnce() {
    UUID user = UUID.randomUUID();
    ScoreRequest request = aPayment(user).build();

    ScoreResponse first = risk().score(request);
    ScoreResponse retry = risk().score(request);
    ScoreResponse next = risk().score(aPayment(user).build());

    assertEquals(first.getDecisionId(), retry.getDecisionId());
    assertTrue(retry.getReplayed());
    assertEquals(first.getScore(), retry.getScore());
    assertEquals(first.getVerdict(), retry.getVerdict());
    assertEquals("2", decision(next).getFeaturesOrThrow("count_1m"));
    assertEquals(1, Sql.count("select count(*) from decisions where request_id = ?1", request.getRequestId()));
  }

  @Test
  void theSameRequestIdFromAnotherCallerIsAnotherDecision() {
    ScoreRequest request = aPayment(UUID.randomUUID()).build();
    ScoreResponse mine = risk().score(request);
    ScoreResponse theirs = withToken(plain, TestTokens.client("fcl_other-caller", "risk:score")).score(request);
    assertNotEquals(mine.getDecisionId(), theirs.getDecisionId());
    assertFalse(theirs.getReplayed());
  }

  @Test
  void reportedFraudRaisesTheUsersLaterScoresAndIsAppliedOnce() {
    UUID victim = UUID.randomUUID();
    UUID bystander = UUID.randomUUID();
    ScoreResponse paid = risk().score(aPayment(victim).build());

    ReportOutcomeResponse first = report(paid.getDecisionId(), Outcome.OUTCOME_FRAUD);
    ReportOutcomeResponse again = report(paid.getDecisionId(), Outcome.OUTCOME_FRAUD);

    assertTrue(first.getApplied());
    assertFalse(again.getApplied());
    assertNotEquals(paid.getModelVersion(), first.getModelVersion());
    ScoreResponse victimLater = risk().score(aPayment(victim).build());
    ScoreResponse bystanderLater = risk().score(aPayment(bystander).build());
    assertTrue(
        victimLater.getScore() > bystanderLater.getScore(),
        "after a fraud report the user's score rises: " + victimLater + " vs " + bystanderLater);
    assertTrue(victimLater.getReasonsList().stream().anyMatch(r -> r.getRuleId().equals("reported-fraud")));
    assertEquals(List.of(Outcome.OUTCOME_FRAUD), decision(paid).getOutcomesList());
  }

  @Test
  void reportOutcomeRefusesUnknownAndMalformedDecisions() {
    StatusRuntimeException unknown =
        assertThrows(StatusRuntimeException.class, () -> report(UUID.randomUUID().toString(), Outcome.OUTCOME_FRAUD));
    assertEquals(Status.Code.NOT_FOUND, code(unknown));
    assertEquals("DECISION_NOT_FOUND", reason(unknown));
    StatusRuntimeException malformed =
        assertThrows(StatusRuntimeException.class, () -> report("nope", Outcome.OUTCOME_FRAUD));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(malformed));
    assertEquals("INVALID_ID", reason(malformed));
    ScoreResponse paid = risk().score(aPayment(UUID.randomUUID()).build());
    StatusRuntimeException noOutcome =
        assertThrows(StatusRuntimeException.class, () -> report(paid.getDecisionId(), Outcome.OUTCOME_UNSPECIFIED));
    assertEquals("INVALID_OUTCOME", reason(noOutcome));
    assertEquals(Status.Code.NOT_FOUND,
        code(assertThrows(StatusRuntimeException.class,
            () -> risk().getDecision(GetDecisionRequest.newBuilder().setDecisionId(UUID.randomUUID().toString()).build()))));
  }

  @Test
  void strictAndLessVerifiedUsersMeetLowerThresholds() {
    ScoreResponse standard = risk().score(aPayment(UUID.randomUUID()).setKycTier(1).build());
    ScoreResponse strict = risk().score(aPayment(UUID.randomUUID()).setKycTier(1).setSecurityLevel("STRICT").build());
    ScoreResponse unverified = risk().score(aPayment(UUID.randomUUID()).setKycTier(0).build());
    ScoreResponse verified = risk().score(aPayment(UUID.randomUUID()).setKycTier(3).build());

    assertTrue(strict.getChallengeAt() < standard.getChallengeAt());
    assertTrue(strict.getDenyAt() < standard.getDenyAt());
    assertTrue(unverified.getChallengeAt() < standard.getChallengeAt());
    assertTrue(verified.getChallengeAt() > standard.getChallengeAt());
  }

  @Test
  void usersWhoChoseAlwaysAreAlwaysChallenged() {
    ScoreResponse answer = risk().score(aPayment(UUID.randomUUID()).setSecurityLevel("ALWAYS").setAmount(eur(5)).build());
    assertEquals(Verdict.VERDICT_CHALLENGE, answer.getVerdict());
    assertTrue(answer.getReasonsList().stream().anyMatch(r -> r.getRuleId().equals("SECURITY_LEVEL")));
  }

  @Test
  void manyTinyChargesUseUpTheRiskBudgetAndAreChallenged() {
    UUID user = UUID.randomUUID();
    // a merchant of its own: another test's disputes on the shared one would add points
    String merchant = "mer-budget-" + UUID.randomUUID();
    Instant start = Instant.now().minus(Duration.ofHours(3));
    int allowed = 0;
    ScoreResponse last = null;
    // 1.00 EUR every 3 minutes (no velocity rule fires) against a KYC-tier-0 budget of 20.00 EUR.
    for (int i = 0; i < 40; i++) {
      last =
          risk()
              .score(
                  aPayment(user)
                      .setMerchantId(merchant)
                      .setKycTier(0)
                      .setAmount(eur(100))
                      .setAt(at(start.plus(Duration.ofMinutes(3L * i))))
                      .build());
      if (last.getVerdict() != Verdict.VERDICT_ALLOW) {
        break;
      }
      allowed++;
    }
    assertEquals(Verdict.VERDICT_CHALLENGE, last.getVerdict(), last.toString());
    assertTrue(last.getReasonsList().stream().anyMatch(r -> r.getRuleId().equals("risk-budget")), last.toString());
    assertTrue(allowed >= 10 && allowed < 20, "tiny charges allowed before the challenge: " + allowed);
  }

  @Test
  void repeatedTopUpsJustUnderTheLimitAreChallengedAndOpenACase() throws InterruptedException {
    UUID user = UUID.randomUUID();
    ScoreResponse last = null;
    for (int i = 0; i < 3; i++) {
      last = risk().score(aTopUp(user, 95_000).build());
    }
    assertEquals(Verdict.VERDICT_CHALLENGE, last.getVerdict(), last.toString());
    assertTrue(last.getReasonsList().stream().anyMatch(r -> r.getRuleId().equals("aml-structuring")), last.toString());
    long cases = 0;
    for (int i = 0; i < 50 && cases == 0; i++) {
      cases = Sql.count("select count(*) from aml_cases where user_id = ?1 and status = 'OPEN'", user);
      Thread.sleep(100);
    }
    assertEquals(1, cases);
  }

  private Decision decision(ScoreResponse answer) {
    return risk().getDecision(GetDecisionRequest.newBuilder().setDecisionId(answer.getDecisionId()).build());
  }

  private ReportOutcomeResponse report(String decisionId, Outcome outcome) {
    return risk().reportOutcome(ReportOutcomeRequest.newBuilder().setDecisionId(decisionId).setOutcome(outcome).build());
  }
}
