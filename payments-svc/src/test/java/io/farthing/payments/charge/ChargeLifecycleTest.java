package io.farthing.payments.charge;

import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
public class ChargeLifecycleTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  public static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  public static CreateChargeRequest.Builder aCharge(UUID user, long minor) {
    return CreateChargeRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setUserId(user.toString())
        .setAmount(eur(minor))
        .setDescription("Article");
  }

  @Test
  void chargeUnderConsentMovesMoneyFromWalletToMerchantAndFees() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, partner, 500, "EUR");

    Charge charge = as(partner).createCharge(aCharge(user, 100).build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge.getStatus());
    // 2 fixed + 2.5 % of 100 = 2.5, rounded half up to 3
    assertEquals(5, charge.getFee().getAmountMinor());
    assertEquals(95, charge.getNet().getAmountMinor());
    assertEquals(900, fixtures.balance(user, "EUR"));
    assertEquals(900, fixtures.entriesSum(wallet));
    assertEquals(95, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(List.of("charge.succeeded"), fixtures.eventsOf(charge.getChargeId()));
  }

  @Test
  void refusesChargeWithoutConsentAndStoresItFailed() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    CreateChargeRequest request = aCharge(user, 100).build();

    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> as(partner).createCharge(request));

    assertEquals(Status.Code.PERMISSION_DENIED, code(e));
    assertEquals("NO_CONSENT", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    Charge failed =
        as(partner)
            .getChargeByIdempotencyKey(
                io.farthing.proto.payments.v1.GetChargeByIdempotencyKeyRequest.newBuilder()
                    .setIdempotencyKey(request.getIdempotencyKey())
                    .build());
    assertEquals(ChargeStatus.CHARGE_STATUS_FAILED, failed.getStatus());
    assertEquals("NO_CONSENT", failed.getFailureReason());
  }

  @Test
  void authorizeThenPartialCaptureReleasesTheRestOfTheHold() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, partner, 500, "EUR");

    Charge held = as(partner).createCharge(aCharge(user, 400).setCaptureLater(true).build());
    assertEquals(ChargeStatus.CHARGE_STATUS_AUTHORIZED, held.getStatus());
    assertEquals(400, held.getAuthorized().getAmountMinor());
    assertEquals(600, fixtures.balance(user, "EUR"));
    assertEquals(400, fixtures.platformBalance(AccountKind.HOLDS, "EUR") - holdsBefore(held));

    Charge captured =
        as(partner)
            .captureCharge(
                CaptureChargeRequest.newBuilder()
                    .setIdempotencyKey(UUID.randomUUID().toString())
                    .setChargeId(held.getChargeId())
                    .setAmount(eur(300))
                    .build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, captured.getStatus());
    assertEquals(300, captured.getCaptured().getAmountMinor());
    // 2 + 2.5 % of 300 = 7.5 → 8, so 10
    assertEquals(10, captured.getFee().getAmountMinor());
    assertEquals(700, fixtures.balance(user, "EUR"));
    assertEquals(700, fixtures.entriesSum(wallet));
    assertEquals(290, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(List.of("charge.authorized", "charge.succeeded"), fixtures.eventsOf(held.getChargeId()));
  }

  /** The HOLDS account is shared by every test: measure this charge's share through its entries. */
  private long holdsBefore(Charge held) {
    return fixtures.platformBalance(AccountKind.HOLDS, "EUR")
        - fixtures.longValue(
            "select coalesce(sum(e.amount_minor), 0) from entries e join postings p on p.id = e.posting_id"
                + " join accounts a on a.id = e.account_id where p.ref_id = $1 and a.kind = 'HOLDS'",
            UUID.fromString(held.getChargeId()));
  }

  @Test
  void refusesToCaptureMoreThanAuthorized() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge held = as(partner).createCharge(aCharge(user, 400).setCaptureLater(true).build());

    var e =
        assertThrows(
            io.grpc.StatusRuntimeException.class,
            () ->
                as(partner)
                    .captureCharge(
                        CaptureChargeRequest.newBuilder()
                            .setIdempotencyKey(UUID.randomUUID().toString())
                            .setChargeId(held.getChargeId())
                            .setAmount(eur(401))
                            .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("CAPTURE_EXCEEDS_AUTHORIZED", reason(e));
    assertEquals(600, fixtures.balance(user, "EUR"));
  }

  @Test
  void refusesAPartialCaptureSoSmallThatTheFeeWouldTakeMostOfIt() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge held = as(partner).createCharge(aCharge(user, 400).setCaptureLater(true).build());

    // 2 fixed on a capture of 5 is 40 %, above the 30 % guardrail
    var e =
        assertThrows(
            io.grpc.StatusRuntimeException.class,
            () ->
                as(partner)
                    .captureCharge(
                        CaptureChargeRequest.newBuilder()
                            .setIdempotencyKey(UUID.randomUUID().toString())
                            .setChargeId(held.getChargeId())
                            .setAmount(eur(5))
                            .build()));
    assertEquals("FEE_TOO_HIGH", reason(e));
    assertEquals(600, fixtures.balance(user, "EUR"));
  }

  @Test
  void voidGivesTheWholeHoldBackAndCannotBeRepeatedAsACapture() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, partner, 500, "EUR");
    Charge held = as(partner).createCharge(aCharge(user, 250).setCaptureLater(true).build());

    Charge voided =
        as(partner)
            .voidCharge(
                VoidChargeRequest.newBuilder()
                    .setIdempotencyKey(UUID.randomUUID().toString())
                    .setChargeId(held.getChargeId())
                    .build());

    assertEquals(ChargeStatus.CHARGE_STATUS_VOIDED, voided.getStatus());
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(1_000, fixtures.entriesSum(wallet));
    var e =
        assertThrows(
            io.grpc.StatusRuntimeException.class,
            () ->
                as(partner)
                    .captureCharge(
                        CaptureChargeRequest.newBuilder()
                            .setIdempotencyKey(UUID.randomUUID().toString())
                            .setChargeId(held.getChargeId())
                            .build()));
    assertEquals("CHARGE_INVALID_STATE", reason(e));
  }

  @Test
  void expiredHoldsAreReleasedAutomatically() throws Exception {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge held = as(partner).createCharge(aCharge(user, 300).setCaptureLater(true).build());
    fixtures.update(
        "update charges set hold_expires_at = now() - interval '1 second' where id = $1",
        UUID.fromString(held.getChargeId()));

    long deadline = System.currentTimeMillis() + 15_000;
    Charge now = held;
    while (System.currentTimeMillis() < deadline) {
      now = as(partner).getCharge(GetChargeRequest.newBuilder().setChargeId(held.getChargeId()).build());
      if (now.getStatus() == ChargeStatus.CHARGE_STATUS_EXPIRED) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(ChargeStatus.CHARGE_STATUS_EXPIRED, now.getStatus());
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(List.of("charge.authorized", "charge.expired"), fixtures.eventsOf(held.getChargeId()));
  }

  @Test
  void severalPartialRefundsNeverExceedWhatWasCapturedAndReturnTheFee() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, partner, 500, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 100).build()); // fee 5

    Refund first = refund(partner, charge, 40);
    Refund second = refund(partner, charge, 60);
    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> refund(partner, charge, 1));

    assertEquals("CHARGE_INVALID_STATE", reason(e));
    assertEquals(2, first.getFeeReturned().getAmountMinor()); // floor(5 * 40 / 100)
    assertEquals(3, second.getFeeReturned().getAmountMinor()); // the rest of the fee
    Charge after = as(partner).getCharge(GetChargeRequest.newBuilder().setChargeId(charge.getChargeId()).build());
    assertEquals(ChargeStatus.CHARGE_STATUS_REFUNDED, after.getStatus());
    assertEquals(100, after.getRefunded().getAmountMinor());
    assertEquals(0, after.getFee().getAmountMinor());
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(1_000, fixtures.entriesSum(wallet));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(
        List.of("charge.succeeded", "charge.refunded", "charge.refunded"), fixtures.eventsOf(charge.getChargeId()));
  }

  @Test
  void refusesARefundAboveWhatIsLeft() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 100).build());
    refund(partner, charge, 70);

    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> refund(partner, charge, 31));

    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("REFUND_EXCEEDS_CAPTURED", reason(e));
    assertEquals(970, fixtures.balance(user, "EUR"));
  }

  @Test
  void refusesAChargeTheWalletCannotCoverAndMovesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 99);
    FakeAuth.consent(user, partner, 500, "EUR");

    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> as(partner).createCharge(aCharge(user, 100).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("INSUFFICIENT_FUNDS", reason(e));
    assertEquals(99, fixtures.balance(user, "EUR"));
    assertEquals(99, fixtures.entriesSum(wallet));
    // the refused charge counted nothing against the user's limits
    assertEquals(0, fixtures.longValue("select count(*) from spend_counters where user_id = $1", user));
  }

  @Test
  void refusesAChargeAboveTheKycTierPerTransactionLimit() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 10_000, 10_000);

    // tier 0 allows 2,500 per transaction
    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> as(partner).createCharge(aCharge(user, 2_501).build()));

    assertEquals("LIMIT_EXCEEDED", reason(e));
    assertEquals(10_000, fixtures.balance(user, "EUR"));
    assertEquals(List.of("charge.failed", "limit.reached"), fixtures.eventTypesForUser(user));
  }

  @Test
  void rejectsChargeAboveDailyCapEvenSplitIntoSmallCharges() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 10_000, 10_000);
    // tier 0: 5,000 a day
    for (int i = 0; i < 2; i++) {
      as(partner).createCharge(aCharge(user, 2_500).build());
    }

    var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> as(partner).createCharge(aCharge(user, 100).build()));

    assertEquals("LIMIT_EXCEEDED", reason(e));
    assertEquals(5_000, fixtures.balance(user, "EUR"));
  }

  private Refund refund(String partner, Charge charge, long minor) {
    return as(partner)
        .refundCharge(
            RefundChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(charge.getChargeId())
                .setAmount(eur(minor))
                .setReason("requested_by_customer")
                .build());
  }
}
