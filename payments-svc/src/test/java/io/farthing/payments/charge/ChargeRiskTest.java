package io.farthing.payments.charge;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Risk verdicts, the fallback when risk-svc is down or late, step-up and the user's security level. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ChargeRiskTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:read"));
  }

  record Arranged(String partner, UUID user) {}

  Arranged funded(long balance) {
    String partner = fixtures.aMerchant();
    return new Arranged(partner, fixtures.payer(partner, balance, 2_000));
  }

  @Test
  void everyChargeIsScoredWithItsOwnIdAsRequestId() {
    Arranged a = funded(1_000);
    Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 100).setDeviceId("dev-1").build());

    ScoreRequest scored =
        FakeRisk.SCORED.stream().filter(s -> s.getRequestId().equals(charge.getChargeId())).findFirst().orElseThrow();
    assertEquals(a.user().toString(), scored.getUserId());
    assertEquals(a.partner(), scored.getMerchantId());
    assertEquals("news", scored.getMerchantCategory());
    assertEquals(100, scored.getAmount().getAmountMinor());
    assertEquals(Channel.CHANNEL_IN_APP, scored.getChannel());
    assertEquals("dev-1", scored.getDeviceId());
    assertFalse(charge.getRiskDecisionId().isEmpty());
  }

  @Test
  void deniedChargeFailsWithAReasonThePartnerCanShowAndMovesNothing() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_DENY);

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 100).build()));

    assertEquals(Status.Code.PERMISSION_DENIED, code(e));
    assertEquals("RISK_DENIED", reason(e));
    assertEquals(1_000, fixtures.balance(a.user(), "EUR"));
    assertEquals(List.of("charge.failed"), fixtures.eventTypesForUser(a.user()));
  }

  @Test
  void challengedChargeWaitsForStepUpThenConfirmMovesTheMoney() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_CHALLENGE);

    Charge waiting = as(a.partner()).createCharge(aCharge(a.user(), 300).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, waiting.getStatus());
    assertFalse(waiting.getChallengeId().isEmpty());
    assertEquals("charge:" + waiting.getChargeId(), FakeAuth.CHALLENGES.get(waiting.getChallengeId()).getPurpose());
    assertEquals(1_000, fixtures.balance(a.user(), "EUR"));

    String stepUp = FakeAuth.stepUpToken(a.user(), "charge:" + waiting.getChargeId());
    Charge confirmed = as(a.partner()).confirmCharge(confirm(waiting, stepUp));

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, confirmed.getStatus());
    assertEquals(700, fixtures.balance(a.user(), "EUR"));
    assertEquals(List.of("charge.requires_action", "charge.succeeded"), fixtures.eventsOf(waiting.getChargeId()));
  }

  @Test
  void aStepUpTokenForAnotherChargeOrUserIsRefused() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_CHALLENGE);
    Charge waiting = as(a.partner()).createCharge(aCharge(a.user(), 300).build());

    String otherPurpose = FakeAuth.stepUpToken(a.user(), "charge:" + UUID.randomUUID());
    StatusRuntimeException wrongPurpose =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).confirmCharge(confirm(waiting, otherPurpose)));
    assertEquals("PURPOSE_MISMATCH", reason(wrongPurpose));

    String otherUser = FakeAuth.stepUpToken(UUID.randomUUID(), "charge:" + waiting.getChargeId());
    StatusRuntimeException wrongUser =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).confirmCharge(confirm(waiting, otherUser)));
    assertEquals("STEP_UP_WRONG_USER", reason(wrongUser));
    assertEquals(1_000, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void confirmingAnUnderfundedChallengedChargeFailsIt() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_CHALLENGE);
    Charge waiting = as(a.partner()).createCharge(aCharge(a.user(), 300).build());
    // meanwhile the wallet is spent down below the waiting charge's amount
    FakeRisk.verdict(a.user(), Verdict.VERDICT_ALLOW);
    as(a.partner()).createCharge(aCharge(a.user(), 800).build());
    String stepUp = FakeAuth.stepUpToken(a.user(), "charge:" + waiting.getChargeId());

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).confirmCharge(confirm(waiting, stepUp)));

    assertEquals("INSUFFICIENT_FUNDS", reason(e));
    Charge after = as(a.partner()).getCharge(io.farthing.proto.payments.v1.GetChargeRequest.newBuilder()
        .setChargeId(waiting.getChargeId()).build());
    assertEquals(ChargeStatus.CHARGE_STATUS_FAILED, after.getStatus());
    assertEquals(200, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void userWithoutAnyStepUpMethodCannotPassAChallenge() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_CHALLENGE);
    FakeAuth.NO_STEP_UP.put(a.user(), true);

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 300).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("STEP_UP_UNAVAILABLE", reason(e));
    assertEquals(1_000, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void securityLevelAlwaysForcesStepUpWhateverTheScore() {
    Arranged a = funded(1_000);
    FakeAuth.user(a.user(), UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_ALWAYS, null, "UTC");

    Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 10).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, charge.getStatus());
  }

  @Test
  void securityLevelStrictForcesStepUpFromItsThreshold() {
    Arranged a = funded(1_000);
    FakeAuth.user(a.user(), UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_STRICT, eur(200), "UTC");

    Charge below = as(a.partner()).createCharge(aCharge(a.user(), 199).build());
    Charge at = as(a.partner()).createCharge(aCharge(a.user(), 200).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, below.getStatus());
    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, at.getStatus());
  }

  @Test
  void lockedUserCannotBeCharged() {
    Arranged a = funded(1_000);
    FakeAuth.user(a.user(), UserStatus.USER_STATUS_LOCKED, SecurityLevel.SECURITY_LEVEL_STANDARD, null, "UTC");

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 100).build()));

    assertEquals("USER_NOT_ACTIVE", reason(e));
  }

  @Test
  void whenRiskIsUnavailableSmallChargesPassAndLargerOnesAreChallenged() {
    Arranged a = funded(1_000);
    FakeRisk.UNAVAILABLE.put(a.user().toString(), true);

    Charge small = as(a.partner()).createCharge(aCharge(a.user(), 199).build());
    Charge large = as(a.partner()).createCharge(aCharge(a.user(), 200).build());

    // payments.risk.fallback-allow-below-minor = 200
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, small.getStatus());
    assertTrue(small.getRiskDecisionId().isEmpty());
    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, large.getStatus());
  }

  @Test
  void aLateRiskAnswerIsTreatedAsNoAnswer() {
    Arranged a = funded(1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_DENY);
    FakeRisk.DELAYS.put(a.user().toString(), Duration.ofSeconds(2));

    // DENY arrives after the deadline: the fallback decides (challenge from 200)
    Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 500).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, charge.getStatus());
  }

  @Test
  void whenAuthIsDownNothingIsChargedAndTheSameKeyWorksLater() {
    Arranged a = funded(1_000);
    var request = aCharge(a.user(), 100).build();
    FakeAuth.down = true;
    try {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(request));
      assertEquals(Status.Code.UNAVAILABLE, code(e));
    } finally {
      FakeAuth.down = false;
    }
    assertEquals(1_000, fixtures.balance(a.user(), "EUR"));

    Charge retried = as(a.partner()).createCharge(request);

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, retried.getStatus());
    assertEquals(900, fixtures.balance(a.user(), "EUR"));
  }

  static ConfirmChargeRequest confirm(Charge charge, String stepUpToken) {
    return ConfirmChargeRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(charge.getChargeId())
        .setStepUpToken(stepUpToken)
        .build();
  }
}
