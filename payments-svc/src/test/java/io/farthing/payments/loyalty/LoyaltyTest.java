package io.farthing.payments.loyalty;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.refund;
import static io.farthing.payments.admin.TestCalls.userToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Loyalty against the real ledger: points earned exactly from many tiny charges, taken back by
 * refunds, redeemed into the wallet under concurrency, and always equal to their ledger entries.
 * The programme runs at 10 % here so that charges below the risk fallback's allow-below (200)
 * earn whole points.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@TestProfile(LoyaltyTest.LoyaltyOn.class)
class LoyaltyTest {

  public static class LoyaltyOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // The test drains the queue itself; the scheduled pass runs too, which it must survive.
      return Map.of("payments.loyalty.enabled", "true", "payments.loyalty.earn-bps", "1000");
    }
  }

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;
  @Inject LoyaltyService loyalty;

  /** Cached points equal their entries, and issued points = held + redeemed, after every test. */
  @AfterEach
  void pointsAlwaysEqualTheirLedgerEntries() {
    drain();
    assertEquals(List.of(), loyalty.drift().await().indefinitely());
    assertEquals(
        0,
        fixtures.platformBalance(AccountKind.LOYALTY_FUNDING, "EUR")
            + fixtures.longValue(
                "select coalesce(sum(e.amount_minor), 0) from entries e join accounts a on a.id = e.account_id"
                    + " where a.kind = 'LOYALTY' and a.currency = 'EUR'")
            + fixtures.longValue("select coalesce(sum(amount_minor), 0) from loyalty_redemptions where currency = 'EUR'"),
        "every point issued is still held or was redeemed into a wallet");
  }

  /** Runs awarder passes until the queue is empty (the scheduled pass may hold rows for a moment). */
  void drain() {
    for (int i = 0; i < 200; i++) {
      loyalty.award(500).await().indefinitely();
      if (fixtures.longValue("select count(*) from loyalty_queue") == 0) {
        return;
      }
    }
    throw new AssertionError("the loyalty queue did not drain");
  }

  long points(UUID user) {
    drain();
    return fixtures.longValue(
        "select coalesce(max(points_minor), 0) from loyalty_balances where user_id = $1 and currency = 'EUR'", user);
  }

  long loyaltyEntries(UUID user) {
    return fixtures.longValue(
        "select coalesce(sum(e.amount_minor), 0) from entries e join accounts a on a.id = e.account_id"
            + " where a.kind = 'LOYALTY' and a.owner = $1 and a.currency = 'EUR'",
        user.toString());
  }

  /** A new user who paid one charge of {@code spentMinor} and holds the points it earned. */
  UUID aUserWhoSpent(long spentMinor, long expectedPoints) {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 200);
    charge(plain, merchant, user, spentMinor);
    assertEquals(expectedPoints, points(user));
    return user;
  }

  Response redeem(UUID user, String key, long amountMinor) {
    return as(userToken(user))
        .header("Idempotency-Key", key)
        .body(Map.of("amountMinor", amountMinor, "currency", "EUR"))
        .post("/v1/loyalty/redemptions");
  }

  @Test
  void manyTinyChargesEarnWhatOneChargeOfTheirSumWould() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 100);
    for (int i = 0; i < 30; i++) {
      charge(plain, merchant, user, 7); // 0.7 points each: rounding each down would earn nothing
    }
    assertEquals(21, points(user));
    assertEquals(21, loyaltyEntries(user));
    as(userToken(user))
        .get("/v1/loyalty")
        .then()
        .statusCode(200)
        .body("enabled", equalTo(true))
        .body("earnBps", equalTo(1000))
        .body("balances[0].currency", equalTo("EUR"))
        .body("balances[0].pointsMinor", equalTo(21))
        .body("balances[0].earnedMinor", equalTo(21));
  }

  @Test
  void refundsTakeBackExactlyWhatTheirChargeEarned() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 200);
    Charge c = charge(plain, merchant, user, 150);
    assertEquals(15, points(user));
    refund(plain, merchant, c.getChargeId(), 60);
    assertEquals(9, points(user));
    refund(plain, merchant, c.getChargeId(), 90);
    assertEquals(0, points(user));
    assertEquals(0, loyaltyEntries(user));
    assertEquals(15, fixtures.longValue("select clawed_back_minor from loyalty_balances where user_id = $1", user));
  }

  @Test
  void aRefundAfterRedeemingLeavesPointsOwedThatLaterEarningPaysOffFirst() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 200);
    Charge c = charge(plain, merchant, user, 190);
    assertEquals(19, points(user));
    redeem(user, UUID.randomUUID().toString(), 19).then().statusCode(201);
    refund(plain, merchant, c.getChargeId(), 190);
    assertEquals(0, points(user));
    assertEquals(19, fixtures.longValue("select owed_minor from loyalty_balances where user_id = $1", user));
    charge(plain, merchant, user, 100);
    assertEquals(0, points(user));
    assertEquals(9, fixtures.longValue("select owed_minor from loyalty_balances where user_id = $1", user));
    charge(plain, merchant, user, 120);
    assertEquals(3, points(user));
    assertEquals(0, fixtures.longValue("select owed_minor from loyalty_balances where user_id = $1", user));
    assertEquals(3, loyaltyEntries(user));
  }

  @Test
  void redeemingCreditsTheWalletThroughTheLedgerAndReplaysTheFirstAnswer() {
    UUID user = aUserWhoSpent(100, 10);
    long before = fixtures.balance(user, "EUR");
    String key = UUID.randomUUID().toString();

    Response first = redeem(user, key, 4);
    first.then()
        .statusCode(201)
        .body("amountMinor", equalTo(4))
        .body("pointsRemainingMinor", equalTo(6))
        .body("walletBalanceMinor", equalTo((int) (before + 4)));
    Response replay = redeem(user, key, 4);
    replay.then().statusCode(201);
    assertEquals(first.asString(), replay.asString());
    redeem(user, key, 5).then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));

    assertEquals(before + 4, fixtures.balance(user, "EUR"));
    UUID wallet = UUID.fromString(first.path("walletId"));
    assertEquals(fixtures.balance(user, "EUR"), fixtures.entriesSum(wallet));
    assertEquals(6, points(user));
    assertEquals(6, loyaltyEntries(user));
    assertTrue(fixtures.eventTypesForUser(user).contains("loyalty.redeemed"));
    as(userToken(user))
        .get(first.getHeader("Location"))
        .then()
        .statusCode(200)
        .body("amountMinor", equalTo(4))
        .body("currency", equalTo("EUR"));
  }

  @Test
  void parallelRedemptionsNeverSpendMorePointsThanTheUserHolds() throws Exception {
    UUID user = aUserWhoSpent(100, 10);
    long before = fixtures.balance(user, "EUR");

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Callable<Integer> call = () -> redeem(user, UUID.randomUUID().toString(), 3).statusCode();
      answers.add(pool.submit(call));
    }
    int ok = 0;
    int refused = 0;
    for (Future<Integer> answer : answers) {
      int status = answer.get();
      if (status == 201) {
        ok++;
      } else if (status == 422) {
        refused++;
      }
    }
    pool.shutdown();
    assertEquals(3, ok);
    assertEquals(5, refused);
    assertEquals(1, points(user));
    assertEquals(1, loyaltyEntries(user));
    assertEquals(before + 9, fixtures.balance(user, "EUR"));
  }

  @Test
  void concurrentAwarderPassesAndRepeatedQueueRowsCreditEachPointOnce() throws Exception {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 2_000, 200);
    List<Charge> charges = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      charges.add(charge(plain, merchant, user, 55));
    }
    // Every charge queued three more times, as retried or repeated triggers could.
    for (Charge c : charges) {
      for (int i = 0; i < 3; i++) {
        fixtures.update("insert into loyalty_queue (charge_id) values ($1)", UUID.fromString(c.getChargeId()));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> passes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      passes.add(pool.submit(() -> loyalty.award(7).await().indefinitely()));
    }
    for (Future<Integer> pass : passes) {
      pass.get();
    }
    pool.shutdown();
    // 12 × 55 = 660 spent at 10 %: 66 points, whatever the passes' interleaving.
    assertEquals(66, points(user));
    assertEquals(66, loyaltyEntries(user));
  }

  @Test
  void refusesBadRedemptionsWithoutMovingAnything() {
    UUID user = aUserWhoSpent(50, 5);
    long before = fixtures.balance(user, "EUR");

    redeem(user, UUID.randomUUID().toString(), 6)
        .then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("INSUFFICIENT_POINTS"));
    redeem(user, UUID.randomUUID().toString(), 0).then().statusCode(400).contentType(PROBLEM);
    redeem(user, UUID.randomUUID().toString(), -3).then().statusCode(400).contentType(PROBLEM);
    as(userToken(user))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .body(Map.of("amountMinor", 2, "currency", "GBP"))
        .post("/v1/loyalty/redemptions")
        .then().statusCode(422).body("reason", equalTo("INSUFFICIENT_POINTS"));
    as(userToken(user))
        .body(Map.of("amountMinor", 2, "currency", "EUR"))
        .post("/v1/loyalty/redemptions")
        .then().statusCode(400).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));

    assertEquals(before, fixtures.balance(user, "EUR"));
    assertEquals(5, points(user));
    assertEquals(0, fixtures.longValue("select count(*) from loyalty_redemptions where user_id = $1", user));
  }

  @Test
  void operatorsSeeACachedBalanceThatDriftsFromItsEntries() {
    UUID user = aUserWhoSpent(40, 4);
    as(io.farthing.payments.admin.TestCalls.admin())
        .get("/admin/v1/loyalty/reconciliation").then().statusCode(200).body("drift", equalTo(false));
    fixtures.update("update loyalty_balances set points_minor = points_minor + 7 where user_id = $1", user);
    try {
      as(io.farthing.payments.admin.TestCalls.admin())
          .get("/admin/v1/loyalty/reconciliation")
          .then()
          .statusCode(200)
          .body("drift", equalTo(true))
          .body("drifting[0].userId", equalTo(user.toString()))
          .body("drifting[0].pointsMinor", equalTo(11))
          .body("drifting[0].entriesSum", equalTo("4"));
      as(userToken(user)).get("/admin/v1/loyalty/reconciliation").then().statusCode(403);
    } finally {
      fixtures.update("update loyalty_balances set points_minor = points_minor - 7 where user_id = $1", user);
    }
  }

  @Test
  void aRedemptionIsVisibleOnlyToItsOwner() {
    UUID user = aUserWhoSpent(30, 3);
    String location = redeem(user, UUID.randomUUID().toString(), 3).then().statusCode(201).extract().header("Location");
    as(userToken(UUID.randomUUID()))
        .get(location)
        .then().statusCode(404).contentType(PROBLEM).body("reason", equalTo("REDEMPTION_NOT_FOUND"));
    as(userToken(user)).get("/v1/loyalty/redemptions/not-an-id").then().statusCode(400).contentType(PROBLEM);
  }
}
