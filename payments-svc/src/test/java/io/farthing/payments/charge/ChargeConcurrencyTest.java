package io.farthing.payments.charge;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.MutinyPaymentsGrpc;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Money rules 2 and 3 under concurrency, in one instance (the e2e module repeats the first through
 * two running instances): a wallet is never overdrawn, and money is conserved.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ChargeConcurrencyTest {
  @GrpcClient("payments")
  MutinyPaymentsGrpc.MutinyPaymentsStub plain;

  @Inject Fixtures fixtures;

  MutinyPaymentsGrpc.MutinyPaymentsStub as(String partner) {
    return Grpc.withToken(plain, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  @Test
  void twoHundredConcurrentDebitsNeverOverdrawTheWallet() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    fixtures.update("insert into payment_users (user_id, kyc_tier) values ($1, 3)", user);
    FakeAuth.consent(user, partner, 500, "EUR");

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(outcome(as(partner).createCharge(aCharge(user, 30).build())));
    }
    List<Object> outcomes = calls.stream().map(CompletableFuture::join).toList();

    long succeeded = outcomes.stream().filter(o -> o instanceof Charge c && c.getStatus() == ChargeStatus.CHARGE_STATUS_SUCCEEDED).count();
    long refused =
        outcomes.stream().filter(o -> o instanceof StatusRuntimeException e && "INSUFFICIENT_FUNDS".equals(reason(e))).count();
    assertEquals(33, succeeded, outcomes.stream().filter(o -> !(o instanceof Charge)).findFirst().toString());
    assertEquals(
        167,
        refused,
        outcomes.stream()
            .filter(o -> o instanceof Throwable t && !"INSUFFICIENT_FUNDS".equals(reason(t)))
            .map(Object::toString)
            .distinct()
            .toList()
            .toString());
    assertEquals(10, fixtures.balance(user, "EUR"));
    assertEquals(10, fixtures.entriesSum(wallet));
  }

  @Test
  void moneyIsConservedUnderARandomConcurrentWorkload() {
    String merchantA = fixtures.aMerchant();
    String merchantB = fixtures.aMerchant();
    List<UUID> users = new ArrayList<>();
    long funded = 0;
    for (int i = 0; i < 8; i++) {
      UUID user = UUID.randomUUID();
      fixtures.fund(user, "EUR", 2_000);
      funded += 2_000;
      FakeAuth.consent(user, merchantA, 1_000, "EUR");
      FakeAuth.consent(user, merchantB, 1_000, "EUR");
      users.add(user);
    }
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Random random = new Random(42);

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      UUID user = users.get(random.nextInt(users.size()));
      String merchant = random.nextBoolean() ? merchantA : merchantB;
      long amount = 20 + random.nextInt(300);
      boolean refundAfter = random.nextInt(3) == 0;
      Uni<Object> call =
          as(merchant)
              .createCharge(aCharge(user, amount).build())
              .chain(
                  charge ->
                      refundAfter
                          ? as(merchant)
                              .refundCharge(
                                  RefundChargeRequest.newBuilder()
                                      .setIdempotencyKey(UUID.randomUUID().toString())
                                      .setChargeId(charge.getChargeId())
                                      .setAmount(eur(1 + amount / 2))
                                      .build())
                              .map(r -> (Object) r)
                          : Uni.createFrom().item((Object) charge));
      calls.add(outcome(call));
    }
    calls.forEach(CompletableFuture::join);

    long wallets = 0;
    for (UUID user : users) {
      long balance = fixtures.balance(user, "EUR");
      assertTrue(balance >= 0);
      wallets += balance;
    }
    long merchants = fixtures.merchantBalance(merchantA, "EUR") + fixtures.merchantBalance(merchantB, "EUR");
    long fees = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR") - feesBefore;
    assertEquals(funded, wallets + merchants + fees);
    assertEquals(0, fixtures.longValue("select coalesce(sum(amount_minor), 0) from entries"));
    assertEquals(
        0,
        fixtures.longValue(
            "select count(*) from wallets w where w.balance_minor <>"
                + " (select coalesce(sum(amount_minor), 0) from entries e where e.account_id = w.id)"));
  }

  private static CompletableFuture<Object> outcome(Uni<?> call) {
    return call.map(o -> (Object) o).onFailure().recoverWithItem(e -> e).subscribeAsCompletionStage();
  }
}
