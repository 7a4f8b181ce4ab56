package io.farthing.payments.charge;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeByIdempotencyKeyRequest;
import io.farthing.proto.payments.v1.MutinyPaymentsGrpc;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Money rule 4 on the partner API: replays, conflicts, in-flight duplicates, look-up by key. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ChargeIdempotencyTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @GrpcClient("payments")
  MutinyPaymentsGrpc.MutinyPaymentsStub mutiny;

  @Inject Fixtures fixtures;

  String token(String partner) {
    return TestTokens.client(partner, "payments:charge", "payments:read");
  }

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, token(partner));
  }

  @Test
  void sameKeySameRequestReplaysTheFirstChargeAndChargesOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    CreateChargeRequest request = aCharge(user, 100).build();

    Charge first = as(partner).createCharge(request);
    Charge again = as(partner).createCharge(request);

    assertEquals(first, again);
    assertEquals(900, fixtures.balance(user, "EUR"));
    assertEquals(1, fixtures.longValue("select count(*) from charges where user_id = $1", user));
  }

  @Test
  void sameKeyDifferentRequestIsRefusedAndChargesNothingMore() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    CreateChargeRequest request = aCharge(user, 100).build();
    as(partner).createCharge(request);

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> as(partner).createCharge(request.toBuilder().setAmount(eur(101)).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("IDEMPOTENCY_KEY_REUSED", reason(e));
    assertEquals(900, fixtures.balance(user, "EUR"));
  }

  @Test
  void aRefusalIsReplayedToo() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 50, 500);
    CreateChargeRequest request = aCharge(user, 100).build();
    assertThrows(StatusRuntimeException.class, () -> as(partner).createCharge(request));
    fixtures.fund(user, "EUR", 1_000);

    StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> as(partner).createCharge(request));

    assertEquals("INSUFFICIENT_FUNDS", reason(again));
    assertEquals(1_050, fixtures.balance(user, "EUR"));
  }

  @Test
  void keysAreScopedToTheCallingPartner() {
    String one = fixtures.aMerchant();
    String two = fixtures.aMerchant();
    UUID user = fixtures.payer(one, 1_000, 500);
    FakeAuth.consent(user, two, 500, "EUR");
    CreateChargeRequest request = aCharge(user, 100).build();

    Charge first = as(one).createCharge(request);
    Charge second = as(two).createCharge(request);

    assertTrue(!first.getChargeId().equals(second.getChargeId()));
    assertEquals(800, fixtures.balance(user, "EUR"));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                as(two)
                    .getChargeByIdempotencyKey(
                        GetChargeByIdempotencyKeyRequest.newBuilder().setIdempotencyKey("never-used").build()));
    assertEquals("IDEMPOTENCY_KEY_NOT_FOUND", reason(e));
  }

  @Test
  void concurrentRequestsWithOneKeyExecuteExactlyOnceAndTheOthersAreToldItIsInFlight() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    // risk answers slowly, so the first attempt is still in flight when the others arrive
    FakeRisk.DELAYS.put(user.toString(), Duration.ofMillis(40));
    CreateChargeRequest request = aCharge(user, 100).build();
    var stub = io.farthing.testing.Grpc.withToken(mutiny, token(partner));

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(
          stub.createCharge(request)
              .map(c -> (Object) c)
              .onFailure()
              .recoverWithItem(e -> e)
              .subscribeAsCompletionStage());
    }
    List<Object> outcomes = calls.stream().map(CompletableFuture::join).toList();

    long charged = outcomes.stream().filter(o -> o instanceof Charge).count();
    long inFlight = outcomes.stream().filter(o -> o instanceof StatusRuntimeException e && code(e) == Status.Code.ABORTED
        && "IDEMPOTENCY_KEY_IN_USE".equals(reason(e))).count();
    assertEquals(10, charged + inFlight, outcomes.toString());
    assertTrue(charged >= 1);
    assertEquals(1, fixtures.longValue("select count(*) from charges where user_id = $1", user));
    assertEquals(900, fixtures.balance(user, "EUR"));
    outcomes.stream()
        .filter(o -> o instanceof Charge)
        .forEach(o -> assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, ((Charge) o).getStatus()));
  }

  @Test
  void theOutcomeCanBeLookedUpByItsKey() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    CreateChargeRequest request = aCharge(user, 100).build();
    Charge created = as(partner).createCharge(request);

    Charge found =
        as(partner)
            .getChargeByIdempotencyKey(
                GetChargeByIdempotencyKeyRequest.newBuilder().setIdempotencyKey(request.getIdempotencyKey()).build());

    assertEquals(created.getChargeId(), found.getChargeId());
  }
}
