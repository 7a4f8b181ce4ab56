package io.farthing.payments.undo;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.payments.support.Race;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class UndoTest {
  static final String PROBLEM = "application/problem+json";

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @GrpcClient("payments")
  io.farthing.proto.payments.v1.TabsGrpc.TabsBlockingStub tabs;

  @GrpcClient("payments")
  io.farthing.proto.payments.v1.MutinyTabsGrpc.MutinyTabsStub tabsMutiny;

  @Inject Fixtures fixtures;

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  static Response undo(UUID user, String chargeId, String key) {
    return given().auth().oauth2(TestTokens.user(user, "user")).header("Idempotency-Key", key)
        .post("/v1/charges/" + chargeId + "/undo");
  }

  static Response undo(UUID user, String chargeId) {
    return undo(user, chargeId, UUID.randomUUID().toString());
  }

  @Test
  void undoRefundsTheWholeChargeAtOnceFeeIncluded() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    UUID wallet = walletOf(user);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    assertEquals(600, fixtures.balance(user, "EUR"));

    undo(user, charge.getChargeId()).then()
        .statusCode(200)
        .body("id", equalTo(charge.getChargeId()))
        .body("status", equalTo("REFUNDED"))
        .body("refundedMinor", equalTo(400));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(1_000, fixtures.entriesSum(wallet));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(feesBefore, fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR"));
    assertEquals(List.of("charge.succeeded", "charge.refunded"), fixtures.eventsOf(charge.getChargeId()));
    assertEquals(
        List.of("undo"),
        fixtures.strings(
            "select data->>'reason' from outbox where ordering_key = $1 and type = 'charge.refunded'",
            "charge:" + charge.getChargeId()));
  }

  @Test
  void undoAfterAPartialRefundReturnsTheRest() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    as(partner).refundCharge(refund(charge, 150));

    undo(user, charge.getChargeId()).then().statusCode(200).body("status", equalTo("REFUNDED")).body("refundedMinor", equalTo(400));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
  }

  @Test
  void aHoldCapturedLaterCanBeUndoneFromItsCapture() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge held = as(partner).createCharge(aCharge(user, 300).setCaptureLater(true).build());

    undo(user, held.getChargeId()).then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("CHARGE_INVALID_STATE"));
    as(partner).captureCharge(
        CaptureChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setChargeId(held.getChargeId()).build());
    undo(user, held.getChargeId()).then().statusCode(200).body("status", equalTo("REFUNDED"));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aFinalSaleCannotBeUndoneButCanStillBeRefunded() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 200).setFinalSale(true).build());
    assertTrue(charge.getFinalSale());

    undo(user, charge.getChargeId()).then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("reason", equalTo("NOT_UNDOABLE"))
        .body("type", equalTo("https://problems.farthing.io/not-undoable"));

    assertEquals(800, fixtures.balance(user, "EUR"));
    assertTrue(as(partner).getCharge(get(charge)).getFinalSale());
    as(partner).refundCharge(refund(charge, 200));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aTabsSettlementCannotBeUndoneButItsMerchantCanStillRefundIt() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    var stub = withToken(tabs, TestTokens.client(partner, "payments:charge", "payments:read"));
    var tab = stub.openTab(io.farthing.payments.tab.TabTest.aTab(user, 300, 300).build());
    stub.addTabItem(io.farthing.payments.tab.TabTest.anItem(tab.getTabId(), 120));
    var closed = stub.closeTab(io.farthing.payments.tab.TabTest.close(tab.getTabId()));
    String settlement = closed.getItems(0).getChargeId();

    undo(user, settlement).then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("NOT_UNDOABLE"));

    assertEquals(880, fixtures.balance(user, "EUR"));
    as(partner).refundCharge(RefundChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(settlement).setAmount(eur(120)).build());
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aMeteredTabsSettlementCannotBeUndoneEither() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    String token = TestTokens.client(partner, "payments:charge", "payments:read");
    var tab =
        withToken(tabs, token)
            .openTab(
                io.farthing.payments.tab.TabTest.aTab(user, 300, 0)
                    .setKind(io.farthing.proto.payments.v1.TabKind.TAB_KIND_METERED)
                    .build());
    withToken(tabsMutiny, token)
        .meterUsage(
            io.smallrye.mutiny.Multi.createFrom()
                .items(
                    io.farthing.payments.tab.MeterTest.use(tab.getTabId(), 1, 40),
                    io.farthing.payments.tab.MeterTest.use(tab.getTabId(), 2, 20)))
        .await()
        .atMost(java.time.Duration.ofSeconds(30));
    String settlement =
        fixtures.strings("select charge_id::text from tab_settlements where tab_id = $1::uuid", tab.getTabId()).get(0);

    undo(user, settlement).then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("NOT_UNDOABLE"));

    assertEquals(940, fixtures.balance(user, "EUR"));
  }

  @Test
  void anUndoneChargeCannotBeUndoneAgainWithANewKey() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 200).build());
    undo(user, charge.getChargeId()).then().statusCode(200);

    undo(user, charge.getChargeId()).then().statusCode(422).body("reason", equalTo("CHARGE_INVALID_STATE"));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(1, refunds(charge));
  }

  @Test
  void aReplayAnswersTheFirstResponseByteForByteAndMovesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 200).build());
    String key = UUID.randomUUID().toString();

    byte[] first = undo(user, charge.getChargeId(), key).then().statusCode(200).extract().asByteArray();
    byte[] again = undo(user, charge.getChargeId(), key).then().statusCode(200).extract().asByteArray();

    assertArrayEquals(first, again);
    assertEquals(1, refunds(charge));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aRefusalIsReplayedToo() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 200).setFinalSale(true).build());
    String key = UUID.randomUUID().toString();

    undo(user, charge.getChargeId(), key).then().statusCode(422).body("reason", equalTo("NOT_UNDOABLE"));
    undo(user, charge.getChargeId(), key).then().statusCode(422).body("reason", equalTo("NOT_UNDOABLE"));
  }

  @Test
  void anotherUsersChargeIsNotFoundAndNothingMoves() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 200).build());
    UUID stranger = UUID.randomUUID();

    undo(stranger, charge.getChargeId()).then().statusCode(404).contentType(PROBLEM).body("reason", equalTo("CHARGE_NOT_FOUND"));
    undo(user, UUID.randomUUID().toString()).then().statusCode(404).body("reason", equalTo("CHARGE_NOT_FOUND"));

    assertEquals(800, fixtures.balance(user, "EUR"));
  }

  @Test
  void badInputIsRefusedCleanly() {
    UUID user = UUID.randomUUID();
    undo(user, "not-an-id").then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_ID"));
    given().auth().oauth2(TestTokens.user(user, "user")).post("/v1/charges/" + UUID.randomUUID() + "/undo").then()
        .statusCode(400)
        .body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    given().post("/v1/charges/" + UUID.randomUUID() + "/undo").then().statusCode(401);
  }

  @Test
  void undoesRacingPartnerRefundsNeverRefundMoreThanWasCaptured() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    UUID wallet = walletOf(user);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());

    List<Callable<?>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(() -> undo(user, charge.getChargeId()).statusCode());
      calls.add(() -> as(partner).refundCharge(refund(charge, 70)));
    }
    List<Object> answers = Race.run(calls);

    long undone = answers.stream().filter(a -> Integer.valueOf(200).equals(a)).count();
    assertTrue(undone <= 1, answers.toString());
    for (Object answer : answers) {
      assertTrue(
          answer instanceof io.farthing.proto.payments.v1.Refund
              || Integer.valueOf(200).equals(answer)
              || Integer.valueOf(422).equals(answer)
              || answer instanceof StatusRuntimeException,
          String.valueOf(answer));
    }
    assertEquals(400, fixtures.longValue("select coalesce(sum(amount_minor), 0) from refunds where charge_id = $1",
        UUID.fromString(charge.getChargeId())) + remaining(charge));
    assertEquals(fixtures.balance(user, "EUR"), fixtures.entriesSum(wallet));
    assertEquals(1_000 - remaining(charge), fixtures.balance(user, "EUR"));
    long merchant = fixtures.merchantBalance(partner, "EUR");
    long fees = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR") - feesBefore;
    assertEquals(remaining(charge), merchant + fees);
    assertTrue(merchant >= 0 && fees >= 0);
  }

  @Test
  void concurrentRetriesOfOneUndoRefundOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String key = UUID.randomUUID().toString();

    List<Callable<?>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> undo(user, charge.getChargeId(), key));
    }
    List<Object> answers = Race.run(calls);

    for (Object answer : answers) {
      Response response = (Response) answer;
      assertTrue(
          response.statusCode() == 200
              || (response.statusCode() == 409 && "IDEMPOTENCY_KEY_IN_USE".equals(response.path("reason"))),
          response.asString());
    }
    undo(user, charge.getChargeId(), key).then().statusCode(200).body("status", equalTo("REFUNDED"));
    assertEquals(1, refunds(charge));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  private UUID walletOf(UUID user) {
    return UUID.fromString(fixtures.strings("select id::text from wallets where user_id = $1 and currency = 'EUR'", user).get(0));
  }

  private long remaining(Charge charge) {
    return fixtures.longValue(
        "select captured_minor - refunded_minor from charges where id = $1", UUID.fromString(charge.getChargeId()));
  }

  private long refunds(Charge charge) {
    return fixtures.longValue("select count(*) from refunds where charge_id = $1", UUID.fromString(charge.getChargeId()));
  }

  private static RefundChargeRequest refund(Charge charge, long minor) {
    return RefundChargeRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(charge.getChargeId())
        .setAmount(eur(minor))
        .build();
  }

  private static io.farthing.proto.payments.v1.GetChargeRequest get(Charge charge) {
    return io.farthing.proto.payments.v1.GetChargeRequest.newBuilder().setChargeId(charge.getChargeId()).build();
  }
}
