package io.farthing.payments.allowance;

import io.farthing.payments.admin.TestCalls;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.tab.MeterTest;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.MutinyPaymentsGrpc;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Charges under an allowance: counted against the period auth-svc names, refused
 * ALLOWANCE_EXCEEDED past its limit (also under concurrency), no step-up inside it, money back
 * gives the allowance back while the period lasts.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AllowanceChargeTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @GrpcClient("payments")
  MutinyPaymentsGrpc.MutinyPaymentsStub mutiny;

  @GrpcClient("payments")
  io.farthing.proto.payments.v1.TabsGrpc.TabsBlockingStub tabsPlain;

  @GrpcClient("payments")
  io.farthing.proto.payments.v1.MutinyTabsGrpc.MutinyTabsStub tabsMutiny;

  @Inject Fixtures fixtures;

  private static final Instant PERIOD_START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  private static final Instant PERIOD_END = PERIOD_START.plus(Duration.ofDays(30));

  record Arranged(String partner, UUID user, UUID wallet, String consentId) {}

  /** A funded user whose consent to a new merchant carries an allowance of {@code limitMinor}. */
  Arranged allowance(long balanceMinor, long limitMinor) {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", balanceMinor);
    String consentId = FakeAuth.allowance(user, partner, limitMinor, "EUR", PERIOD_START, PERIOD_END);
    return new Arranged(partner, user, wallet, consentId);
  }

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  long used(Arranged a) {
    return fixtures.longValue(
        "select coalesce(sum(used_minor), 0) from allowance_usage where consent_id = $1", a.consentId());
  }

  @Test
  void chargesInsideTheAllowanceSucceedAndTheOneThatWouldPassItIsRefusedAndStored() {
    Arranged a = allowance(5_000, 1_000);

    Charge first = as(a.partner()).createCharge(aCharge(a.user(), 400).build());
    Charge second = as(a.partner()).createCharge(aCharge(a.user(), 400).build());
    StatusRuntimeException over =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 201).build()));
    Charge last = as(a.partner()).createCharge(aCharge(a.user(), 200).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, first.getStatus());
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, second.getStatus());
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, last.getStatus());
    assertEquals("ALLOWANCE_EXCEEDED", reason(over));
    assertEquals(1_000, used(a));
    assertEquals(4_000, fixtures.balance(a.user(), "EUR"));
    assertEquals(4_000, fixtures.entriesSum(a.wallet()));
    assertEquals(
        1,
        fixtures.longValue(
            "select count(*) from charges where user_id = $1 and status = 'FAILED' and failure_reason = 'ALLOWANCE_EXCEEDED'"
                + " and amount_minor = 201",
            a.user()));
    List<String> events = fixtures.eventTypesForUser(a.user());
    assertEquals(1, events.stream().filter("allowance.exhausted"::equals).count(), events.toString());
    assertTrue(events.contains("charge.failed"), events.toString());
  }

  @Test
  void aTabUnderAnAllowanceCountsItsCapAndGivesTheUnusedPartBackAtClose() {
    Arranged a = allowance(5_000, 1_000);
    io.farthing.proto.payments.v1.TabsGrpc.TabsBlockingStub tabs =
        withToken(tabsPlain, TestTokens.client(a.partner(), "payments:charge", "payments:read"));

    io.farthing.proto.payments.v1.Tab first = tabs.openTab(io.farthing.payments.tab.TabTest.aTab(a.user(), 600, 600).build());
    assertEquals(600, used(a));
    StatusRuntimeException over =
        assertThrows(
            StatusRuntimeException.class,
            () -> tabs.openTab(io.farthing.payments.tab.TabTest.aTab(a.user(), 600, 600).build()));
    assertEquals("ALLOWANCE_EXCEEDED", reason(over));
    StatusRuntimeException charge =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 401).build()));
    assertEquals("ALLOWANCE_EXCEEDED", reason(charge));

    tabs.addTabItem(io.farthing.payments.tab.TabTest.anItem(first.getTabId(), 100));
    tabs.closeTab(io.farthing.payments.tab.TabTest.close(first.getTabId()));

    // 100 used on the tab, the 500 it did not use is the allowance's again.
    assertEquals(100, used(a));
    assertEquals(4_900, fixtures.balance(a.user(), "EUR"));
    assertEquals(4_900, fixtures.entriesSum(a.wallet()));
    tabs.openTab(io.farthing.payments.tab.TabTest.aTab(a.user(), 900, 900).build());
    assertEquals(1_000, used(a));
  }

  @Test
  void aMeteredTabCountsOnlyWhatItUsedAndARefundOfItsSettlementGivesTheAllowanceBack() {
    Arranged a = allowance(5_000, 1_000);
    String token = TestTokens.client(a.partner(), "payments:charge", "payments:read");
    io.farthing.proto.payments.v1.Tab tab =
        withToken(tabsPlain, token)
            .openTab(
                io.farthing.payments.tab.TabTest.aTab(a.user(), 600, 0)
                    .setKind(io.farthing.proto.payments.v1.TabKind.TAB_KIND_METERED)
                    .build());
    assertEquals(600, used(a), "the budget is counted while it is held");
    String id = tab.getTabId();
    io.farthing.proto.payments.v1.MeterUsageSummary summary =
        withToken(tabsMutiny, token)
            .meterUsage(Multi.createFrom().items(MeterTest.use(id, 1, 150), MeterTest.use(id, 2, 100)))
            .await()
            .atMost(Duration.ofSeconds(30));
    assertEquals(250, summary.getTab().getSettled().getAmountMinor());
    assertEquals(250, used(a), "the 350 it did not use is the allowance's again");

    String settlement =
        fixtures.strings("select charge_id::text from tab_settlements where tab_id = $1::uuid", id).get(0);
    as(a.partner()).refundCharge(RefundChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(settlement).setAmount(eur(100)).build());
    assertEquals(150, used(a), "a refund of a tab's settlement gives the allowance back, as a charge's does");
    as(a.partner()).refundCharge(RefundChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(settlement).setAmount(eur(150)).build());
    assertEquals(0, used(a));
    assertEquals(5_000, fixtures.balance(a.user(), "EUR"));
    assertEquals(5_000, fixtures.entriesSum(a.wallet()));
  }

  @Test
  void aChargeAboveTheWholeLimitIsRefusedWithoutTouchingTheWallet() {
    Arranged a = allowance(5_000, 300);

    StatusRuntimeException over =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 301).build()));

    assertEquals("ALLOWANCE_EXCEEDED", reason(over));
    assertEquals(0, used(a));
    assertEquals(5_000, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void parallelChargesNeverPassTheAllowanceAndCountExactlyWhatMoved() {
    Arranged a = allowance(100_000, 1_000);
    MutinyPaymentsGrpc.MutinyPaymentsStub partner =
        Grpc.withToken(mutiny, TestTokens.client(a.partner(), "payments:charge", "payments:read"));

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      calls.add(
          partner.createCharge(aCharge(a.user(), 30).build()).map(c -> (Object) c).onFailure().recoverWithItem(e -> e)
              .subscribeAsCompletionStage());
    }
    List<Object> outcomes = calls.stream().map(CompletableFuture::join).toList();

    long succeeded =
        outcomes.stream().filter(o -> o instanceof Charge c && c.getStatus() == ChargeStatus.CHARGE_STATUS_SUCCEEDED).count();
    long exceeded =
        outcomes.stream().filter(o -> o instanceof StatusRuntimeException e && "ALLOWANCE_EXCEEDED".equals(reason(e))).count();
    assertEquals(33, succeeded, outcomes.stream().filter(o -> !(o instanceof Charge)).findFirst().toString());
    assertEquals(27, exceeded);
    assertEquals(990, used(a));
    assertEquals(100_000 - 990, fixtures.balance(a.user(), "EUR"));
    assertEquals(100_000 - 990, fixtures.entriesSum(a.wallet()));
    long fees =
        fixtures.longValue("select coalesce(sum(fee_minor), 0) from charges where user_id = $1 and status = 'SUCCEEDED'", a.user());
    assertEquals(990, fixtures.merchantBalance(a.partner(), "EUR") + fees);
    assertEquals(33, fixtures.longValue("select count(*) from allowance_charges c join charges ch on ch.id = c.charge_id"
        + " where ch.user_id = $1", a.user()));
  }

  @Test
  void insideTheAllowanceAStrictUserAndAChallengeScoreNeedNoStepUpButRiskIsStillAsked() {
    Arranged strict = allowance(5_000, 1_000);
    FakeAuth.user(strict.user(), UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_STRICT, eur(1), "UTC");
    Arranged challenged = allowance(5_000, 1_000);
    FakeRisk.verdict(challenged.user(), Verdict.VERDICT_CHALLENGE);
    Arranged always = allowance(5_000, 1_000);
    FakeAuth.user(always.user(), UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_ALWAYS, null, "UTC");

    for (Arranged a : List.of(strict, challenged, always)) {
      Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 500).build());
      assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge.getStatus(), a.toString());
      assertTrue(FakeRisk.SCORED.stream().anyMatch(s -> s.getRequestId().equals(charge.getChargeId())));
      assertEquals(500, used(a));
    }
  }

  @Test
  void withoutAnAllowanceTheSameStrictUserIsSteppedUp() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 5_000, 1_000);
    FakeAuth.user(user, UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_STRICT, eur(1), "UTC");

    Charge charge = as(partner).createCharge(aCharge(user, 500).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, charge.getStatus());
  }

  @Test
  void riskDenyStillRefusesInsideTheAllowanceAndCountsNothing() {
    Arranged a = allowance(5_000, 1_000);
    FakeRisk.verdict(a.user(), Verdict.VERDICT_DENY);

    StatusRuntimeException denied =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 100).build()));

    assertEquals("RISK_DENIED", reason(denied));
    assertEquals(0, used(a));
    assertEquals(5_000, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void aReplayedChargeIsCountedOnce() {
    Arranged a = allowance(5_000, 1_000);
    CreateChargeRequest request = aCharge(a.user(), 600).build();

    Charge first = as(a.partner()).createCharge(request);
    Charge again = as(a.partner()).createCharge(request);

    assertEquals(first, again);
    assertEquals(600, used(a));
    assertEquals(4_400, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void aRefundInThePeriodGivesTheAllowanceBack() {
    Arranged a = allowance(5_000, 1_000);
    Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 1_000).build());

    as(a.partner())
        .refundCharge(
            RefundChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(charge.getChargeId())
                .setAmount(eur(400))
                .build());
    Charge after = as(a.partner()).createCharge(aCharge(a.user(), 400).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, after.getStatus());
    assertEquals(1_000, used(a));
    assertEquals(5_000 - 1_000 + 400 - 400, fixtures.balance(a.user(), "EUR"));
  }

  @Test
  void aRefundAfterThePeriodEndedGivesNothingBack() {
    Arranged a = allowance(5_000, 1_000);
    Charge charge = as(a.partner()).createCharge(aCharge(a.user(), 700).build());
    fixtures.update(
        "update allowance_usage set period_end = now() - interval '1 second' where consent_id = $1",
        a.consentId());

    as(a.partner())
        .refundCharge(
            RefundChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(charge.getChargeId())
                .build());

    assertEquals(700, used(a));
    assertEquals(
        0, fixtures.longValue("select returned_minor from allowance_charges where charge_id = $1",
            UUID.fromString(charge.getChargeId())));
  }

  @Test
  void aVoidedHoldAndTheUncapturedRestOfAHoldGiveTheAllowanceBack() {
    Arranged a = allowance(5_000, 1_000);
    Charge voided = as(a.partner()).createCharge(aCharge(a.user(), 300).setCaptureLater(true).build());
    Charge held = as(a.partner()).createCharge(aCharge(a.user(), 500).setCaptureLater(true).build());
    assertEquals(800, used(a));

    as(a.partner())
        .voidCharge(
            VoidChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(voided.getChargeId())
                .build());
    as(a.partner())
        .captureCharge(
            CaptureChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(held.getChargeId())
                .setAmount(eur(200))
                .build());

    assertEquals(200, used(a));
    assertEquals(4_800, fixtures.balance(a.user(), "EUR"));
    assertEquals(4_800, fixtures.entriesSum(a.wallet()));
  }

  @Test
  void aNewPeriodStartsFromZero() {
    Arranged a = allowance(5_000, 1_000);
    as(a.partner()).createCharge(aCharge(a.user(), 1_000).build());
    FakeAuth.allowance(a.user(), a.partner(), 1_000, "EUR", PERIOD_END, PERIOD_END.plus(Duration.ofDays(30)));

    Charge next = as(a.partner()).createCharge(aCharge(a.user(), 1_000).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, next.getStatus());
    assertEquals(2, fixtures.longValue("select count(*) from allowance_usage where consent_id = $1", a.consentId()));
    assertEquals(2_000, used(a));
  }

  @Test
  void aRevokedConsentRefusesTheNextChargeAndCountsNothing() {
    Arranged a = allowance(5_000, 1_000);
    as(a.partner()).createCharge(aCharge(a.user(), 100).build());
    FakeAuth.revoke(a.user(), a.partner());

    StatusRuntimeException revoked =
        assertThrows(StatusRuntimeException.class, () -> as(a.partner()).createCharge(aCharge(a.user(), 100).build()));

    assertEquals("CONSENT_REVOKED", reason(revoked));
    assertEquals(100, used(a));
  }

  @Test
  void anotherPartnerCannotChargeUnderTheAllowance() {
    Arranged a = allowance(5_000, 1_000);
    String other = fixtures.aMerchant();

    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> as(other).createCharge(aCharge(a.user(), 100).build()));

    assertEquals("NO_CONSENT", reason(refused));
    assertEquals(0, used(a));
  }

  @Test
  void theUserSeesTheCurrentPeriodsUsageAndNoOneElseDoes() {
    Arranged a = allowance(5_000, 1_000);
    as(a.partner()).createCharge(aCharge(a.user(), 250).build());

    TestCalls.as(userToken(a.user())).get("/v1/allowances").then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].consentId", equalTo(a.consentId()))
        .body("items[0].partnerClientId", equalTo(a.partner()))
        .body("items[0].limitMinor", equalTo(1_000))
        .body("items[0].usedMinor", equalTo(250))
        .body("items[0].remainingMinor", equalTo(750))
        .body("items[0].periodEnd", equalTo(PERIOD_END.toString()));
    TestCalls.as(userToken(UUID.randomUUID())).get("/v1/allowances").then().statusCode(200).body("items.size()", equalTo(0));
    TestCalls.as(TestTokens.client(a.partner(), "payments:read")).get("/v1/allowances").then().statusCode(403);
  }
}
