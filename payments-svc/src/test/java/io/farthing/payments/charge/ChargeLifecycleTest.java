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
import io.farthing.proto.payments.v1.CreateChargeRequest;
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
class ChargeLifecycleTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  static CreateChargeRequest.Builder aCharge(UUID user, long minor) {
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
}
