package io.farthing.payments.tab;

import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.AddTabItemRequest;
import io.farthing.proto.payments.v1.CloseTabRequest;
import io.farthing.proto.payments.v1.GetTabRequest;
import io.farthing.proto.payments.v1.MutinyTabsGrpc;
import io.farthing.proto.payments.v1.OpenTabRequest;
import io.farthing.proto.payments.v1.Tab;
import io.farthing.proto.payments.v1.TabCloseReason;
import io.farthing.proto.payments.v1.TabItem;
import io.farthing.proto.payments.v1.TabStatus;
import io.farthing.proto.payments.v1.TabsGrpc;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Micro-tabs end to end through the partner gRPC API and the user's REST API, against real
 * PostgreSQL: balances, entries, charges and events after every step, under concurrency and
 * replays.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
public class TabTest {
  @GrpcClient("payments")
  TabsGrpc.TabsBlockingStub plain;

  @GrpcClient("payments")
  MutinyTabsGrpc.MutinyTabsStub async;

  @Inject Fixtures fixtures;
  @Inject TabService service;

  TabsGrpc.TabsBlockingStub tabs(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:read"));
  }

  MutinyTabsGrpc.MutinyTabsStub asyncAs(String partner) {
    return io.farthing.testing.Grpc.withToken(async, TestTokens.client(partner, "payments:charge", "payments:read"));
  }

  static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  public static OpenTabRequest.Builder aTab(UUID user, long capMinor, long thresholdMinor) {
    return OpenTabRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setUserId(user.toString())
        .setCap(eur(capMinor))
        .setSettleThresholdMinor(thresholdMinor)
        .setDescription("Articles");
  }

  public static AddTabItemRequest anItem(String tabId, long minor) {
    return AddTabItemRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setTabId(tabId)
        .setAmount(eur(minor))
        .setDescription("Article")
        .build();
  }

  public static CloseTabRequest close(String tabId) {
    return CloseTabRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setTabId(tabId).build();
  }

  static void assertRefused(Status.Code code, String reason, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, code(e), e.getMessage());
    assertEquals(reason, reason(e));
  }

  void assertLedgerHolds(UUID user) {
    assertLedgerHolds(fixtures, user);
  }

  /** Money rule 2 after every scenario: the ledger sums to zero and the wallet equals its entries. */
  static void assertLedgerHolds(Fixtures fixtures, UUID user) {
    assertEquals(0, fixtures.longValue("select coalesce(sum(amount_minor), 0) from entries"));
    UUID wallet = walletOf(fixtures, user);
    assertEquals(fixtures.balance(user, "EUR"), fixtures.entriesSum(wallet));
    assertTrue(fixtures.balance(user, "EUR") >= 0);
  }

  UUID walletOf(UUID user) {
    return walletOf(fixtures, user);
  }

  static UUID walletOf(Fixtures fixtures, UUID user) {
    return UUID.fromString(fixtures.strings("select id::text from wallets where user_id = $1", user).get(0));
  }

  long settledCharges(String tabId) {
    return settledCharges(fixtures, tabId);
  }

  /** What the tab's settlement charges captured, in all. */
  static long settledCharges(Fixtures fixtures, String tabId) {
    return fixtures.longValue(
        "select coalesce(sum(captured_minor), 0) from charges where status = 'SUCCEEDED' and metadata->>'tab_id' = $1",
        tabId);
  }

  @Test
  void itemsAddUpWithoutLedgerRowsThenSettleAtTheThresholdAndCloseReleasesTheRest() {
    String partner = fixtures.aMerchant(); // 2 fixed + 2.5 %
    UUID user = fixtures.payer(partner, 1_000, 600);
    long postingsBefore = fixtures.longValue("select count(*) from postings");

    Tab open = tabs(partner).openTab(aTab(user, 500, 200).build());
    assertEquals(TabStatus.TAB_STATUS_OPEN, open.getStatus());
    assertEquals(eur(500), open.getCap());
    assertEquals(eur(200), open.getSettleThreshold());
    assertEquals(500, fixtures.balance(user, "EUR"), "the cap is held");
    assertEquals(postingsBefore + 1, fixtures.longValue("select count(*) from postings"));

    TabItem first = tabs(partner).addTabItem(anItem(open.getTabId(), 80));
    assertEquals(eur(80), first.getTabTotal());
    assertEquals("", first.getChargeId());
    assertEquals(postingsBefore + 1, fixtures.longValue("select count(*) from postings"), "an item has no ledger rows");

    TabItem second = tabs(partner).addTabItem(anItem(open.getTabId(), 120));
    assertFalse(second.getChargeId().isEmpty(), "reaching the threshold settles in the add's transaction");
    assertEquals(postingsBefore + 2, fixtures.longValue("select count(*) from postings"));
    assertEquals(200, settledCharges(open.getTabId()));
    long fee200 = 2 + 5;
    assertEquals(200 - fee200, fixtures.merchantBalance(partner, "EUR"));

    tabs(partner).addTabItem(anItem(open.getTabId(), 50));
    Tab got = tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build());
    assertEquals(eur(250), got.getTotal());
    assertEquals(eur(200), got.getSettled());
    assertEquals(3, got.getItemsCount());
    assertEquals("", got.getItems(0).getChargeId(), "the newest item is not settled yet");

    Tab closed = tabs(partner).closeTab(close(open.getTabId()));
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closed.getStatus());
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_PARTNER, closed.getCloseReason());
    assertEquals(eur(250), closed.getSettled());
    assertEquals(2, closed.getSettlementCount());
    assertEquals(1_000 - 250, fixtures.balance(user, "EUR"), "the unused 250 came back");
    long fee50 = 2 + 1;
    assertEquals(250 - fee200 - fee50, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(250, settledCharges(open.getTabId()));
    assertEquals(
        0, fixtures.longValue("select count(*) from tab_items where tab_id = $1 and charge_id is null",
            UUID.fromString(open.getTabId())));
    assertEquals(
        List.of("tab.opened", "tab.settled", "tab.settled", "tab.closed"),
        fixtures.strings("select type from outbox where ordering_key = $1 order by seq", "tab:" + open.getTabId()));
    assertEquals(
        List.of("0", "1", "2", "3"),
        fixtures.strings("select sequence::text from outbox where ordering_key = $1 order by seq", "tab:" + open.getTabId()));
    assertLedgerHolds(user);
  }

  @Test
  void theJanitorSettlesAndClosesATabPastItsTimeLimitOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = tabs(partner).openTab(aTab(user, 400, 400).setTimeLimitSeconds(60).build());
    tabs(partner).addTabItem(anItem(open.getTabId(), 90));
    assertFalse(service.closeIfDue(UUID.fromString(open.getTabId())).await().indefinitely(), "not due yet");

    fixtures.update("update tabs set expires_at = now() - interval '1 second' where id = $1", UUID.fromString(open.getTabId()));
    List<CompletableFuture<Boolean>> janitors = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      janitors.add(service.closeIfDue(UUID.fromString(open.getTabId())).subscribeAsCompletionStage());
    }
    assertEquals(1, janitors.stream().map(CompletableFuture::join).filter(b -> b).count(), "closed exactly once");

    Tab closed = tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build());
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closed.getStatus());
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_TIME_LIMIT, closed.getCloseReason());
    assertEquals(90, settledCharges(open.getTabId()));
    assertEquals(910, fixtures.balance(user, "EUR"));
    assertRefused(Status.Code.FAILED_PRECONDITION, "TAB_CLOSED", () -> tabs(partner).addTabItem(anItem(open.getTabId(), 1)));
    assertLedgerHolds(user);
  }

  @Test
  void parallelAddsNeverTakeTheTotalAboveTheCap() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 2_000, 1_500);
    Tab open = tabs(partner).openTab(aTab(user, 1_000, 150).build());

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(outcome(asyncAs(partner).addTabItem(anItem(open.getTabId(), 50))));
    }
    List<Object> outcomes = calls.stream().map(CompletableFuture::join).toList();

    assertEquals(20, outcomes.stream().filter(o -> o instanceof TabItem).count(), outcomes.toString());
    assertEquals(
        20, outcomes.stream().filter(o -> o instanceof Throwable t && "TAB_CAP_EXCEEDED".equals(reason(t))).count());
    Tab got = tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build());
    assertEquals(eur(1_000), got.getTotal());
    assertEquals(got.getSettled().getAmountMinor(), settledCharges(open.getTabId()));
    tabs(partner).closeTab(close(open.getTabId()));
    assertEquals(1_000, settledCharges(open.getTabId()));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertLedgerHolds(user);
  }

  @Test
  void aCloseRacingAddsAndTheJanitorSettlesEveryAcceptedItemExactlyOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 3_000, 2_500);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Tab open = tabs(partner).openTab(aTab(user, 2_000, 130).build());
    UUID tabId = UUID.fromString(open.getTabId());
    fixtures.update("update tabs set expires_at = now() - interval '1 second' where id = $1", tabId);

    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(outcome(asyncAs(partner).addTabItem(anItem(open.getTabId(), 10 + i))));
      if (i == 10) {
        calls.add(outcome(asyncAs(partner).closeTab(close(open.getTabId()))));
        calls.add(outcome(service.closeIfDue(tabId)));
      }
      if (i == 20) {
        calls.add(outcome(asyncAs(partner).closeTab(close(open.getTabId()))));
      }
    }
    List<Object> outcomes = calls.stream().map(CompletableFuture::join).toList();

    long accepted =
        outcomes.stream().filter(o -> o instanceof TabItem).mapToLong(o -> ((TabItem) o).getAmount().getAmountMinor()).sum();
    assertTrue(
        outcomes.stream()
            .filter(o -> o instanceof Throwable)
            .allMatch(t -> "TAB_CLOSED".equals(reason((Throwable) t))),
        outcomes.toString());
    Tab closed = tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build());
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closed.getStatus());
    assertEquals(accepted, closed.getTotal().getAmountMinor());
    assertEquals(accepted, closed.getSettled().getAmountMinor());
    assertEquals(accepted, settledCharges(open.getTabId()));
    assertEquals(3_000 - accepted, fixtures.balance(user, "EUR"));
    long fees = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR") - feesBefore;
    assertEquals(accepted, fixtures.merchantBalance(partner, "EUR") + fees);
    assertEquals(
        1, fixtures.longValue("select count(*) from outbox where ordering_key = $1 and type = 'tab.closed'", "tab:" + tabId));
    assertEquals(1, fixtures.longValue("select count(*) from postings where kind = 'TAB_RELEASE' and ref_id = $1", tabId));
    assertLedgerHolds(user);
  }

  @Test
  void everyCallReplaysItsFirstAnswerAndRefusesAReusedKey() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    OpenTabRequest openRequest = aTab(user, 300, 300).build();
    Tab open = tabs(partner).openTab(openRequest);
    assertEquals(open, tabs(partner).openTab(openRequest));
    assertEquals(700, fixtures.balance(user, "EUR"), "held once");
    assertRefused(
        Status.Code.FAILED_PRECONDITION, "IDEMPOTENCY_KEY_REUSED",
        () -> tabs(partner).openTab(openRequest.toBuilder().setCap(eur(301)).build()));

    AddTabItemRequest item = anItem(open.getTabId(), 40);
    TabItem added = tabs(partner).addTabItem(item);
    assertEquals(added, tabs(partner).addTabItem(item));
    assertRefused(
        Status.Code.FAILED_PRECONDITION, "IDEMPOTENCY_KEY_REUSED",
        () -> tabs(partner).addTabItem(item.toBuilder().setAmount(eur(41)).build()));
    AddTabItemRequest tooMuch = anItem(open.getTabId(), 261);
    assertRefused(Status.Code.FAILED_PRECONDITION, "TAB_CAP_EXCEEDED", () -> tabs(partner).addTabItem(tooMuch));
    tabs(partner).addTabItem(anItem(open.getTabId(), 10));
    assertRefused(Status.Code.FAILED_PRECONDITION, "TAB_CAP_EXCEEDED", () -> tabs(partner).addTabItem(tooMuch));

    CloseTabRequest closeRequest = close(open.getTabId());
    Tab closed = tabs(partner).closeTab(closeRequest);
    assertEquals(closed, tabs(partner).closeTab(closeRequest));
    Tab closedAgain = tabs(partner).closeTab(close(open.getTabId()));
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closedAgain.getStatus());
    assertEquals(50, settledCharges(open.getTabId()));
    assertEquals(950, fixtures.balance(user, "EUR"));
    assertEquals(1, fixtures.longValue("select count(*) from tab_items where tab_id = $1 and amount_minor = 40",
        UUID.fromString(open.getTabId())));
    assertLedgerHolds(user);
  }

  @Test
  void theUserSeesTheirTabsLiveAndClosesOneOverRest() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = tabs(partner).openTab(aTab(user, 500, 500).build());
    tabs(partner).addTabItem(anItem(open.getTabId(), 70));
    String token = userToken(user);

    as(token).get("/v1/tabs").then().statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].id", equalTo(open.getTabId()))
        .body("[0].totalMinor", equalTo(70))
        .body("[0].heldMinor", equalTo(500));
    as(token).get("/v1/tabs/" + open.getTabId()).then().statusCode(200)
        .body("capMinor", equalTo(500))
        .body("totalMinor", equalTo(70))
        .body("settledMinor", equalTo(0))
        .body("items.size()", equalTo(1))
        .body("items[0].amountMinor", equalTo(70));

    as(token).post("/v1/tabs/" + open.getTabId() + "/close").then().statusCode(400)
        .body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    String key = UUID.randomUUID().toString();
    Response first = as(token).header("Idempotency-Key", key).post("/v1/tabs/" + open.getTabId() + "/close");
    first.then().statusCode(200).body("status", equalTo("CLOSED")).body("closeReason", equalTo("USER"))
        .body("settledMinor", equalTo(70)).body("heldMinor", equalTo(0));
    Response replay = as(token).header("Idempotency-Key", key).post("/v1/tabs/" + open.getTabId() + "/close");
    assertEquals(first.asString(), replay.asString());
    assertEquals(930, fixtures.balance(user, "EUR"));
    assertLedgerHolds(user);
  }

  @Test
  void anotherUsersOrPartnersTabIsNotFound() {
    String partner = fixtures.aMerchant();
    String other = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = tabs(partner).openTab(aTab(user, 200, 200).build());
    String stranger = userToken(UUID.randomUUID());

    as(stranger).get("/v1/tabs/" + open.getTabId()).then().statusCode(404).body("reason", equalTo("TAB_NOT_FOUND"));
    as(stranger).header("Idempotency-Key", "k-1").post("/v1/tabs/" + open.getTabId() + "/close").then()
        .statusCode(404).body("reason", equalTo("TAB_NOT_FOUND"));
    as(stranger).get("/v1/tabs").then().statusCode(200).body("size()", equalTo(0));
    assertRefused(Status.Code.NOT_FOUND, "TAB_NOT_FOUND",
        () -> tabs(other).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build()));
    assertRefused(Status.Code.NOT_FOUND, "TAB_NOT_FOUND", () -> tabs(other).addTabItem(anItem(open.getTabId(), 10)));
    assertRefused(Status.Code.NOT_FOUND, "TAB_NOT_FOUND", () -> tabs(other).closeTab(close(open.getTabId())));
    Tab still = tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(open.getTabId()).build());
    assertEquals(TabStatus.TAB_STATUS_OPEN, still.getStatus());
    assertEquals(eur(0), still.getTotal());
  }

  @Test
  void badInputAndRefusedOpensHoldNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 300, 250);
    assertRefused(Status.Code.INVALID_ARGUMENT, "MISSING_FIELD",
        () -> tabs(partner).openTab(aTab(user, 100, 0).clearCap().build()));
    assertRefused(Status.Code.INVALID_ARGUMENT, "INVALID_THRESHOLD", () -> tabs(partner).openTab(aTab(user, 100, 101).build()));
    assertRefused(Status.Code.INVALID_ARGUMENT, "INVALID_TIME_LIMIT",
        () -> tabs(partner).openTab(aTab(user, 100, 0).setTimeLimitSeconds(40L * 24 * 3600).build()));
    assertRefused(Status.Code.INVALID_ARGUMENT, "MISSING_IDEMPOTENCY_KEY",
        () -> tabs(partner).openTab(aTab(user, 100, 0).clearIdempotencyKey().build()));
    assertRefused(Status.Code.PERMISSION_DENIED, "ABOVE_PER_CHARGE_MAXIMUM",
        () -> tabs(partner).openTab(aTab(user, 260, 0).build()));
    assertRefused(Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS", () -> tabs(partner).openTab(aTab(user, 250, 0).setUserId(
        fixtures.payer(partner, 100, 250).toString()).build()));
    FakeRisk.verdict(user, Verdict.VERDICT_CHALLENGE);
    assertRefused(Status.Code.FAILED_PRECONDITION, "STEP_UP_REQUIRED", () -> tabs(partner).openTab(aTab(user, 100, 0).build()));
    FakeRisk.verdict(user, Verdict.VERDICT_DENY);
    assertRefused(Status.Code.PERMISSION_DENIED, "RISK_DENIED", () -> tabs(partner).openTab(aTab(user, 100, 0).build()));
    FakeRisk.verdict(user, Verdict.VERDICT_ALLOW);
    assertEquals(300, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from tabs where user_id = $1", user));

    Tab open = tabs(partner).openTab(aTab(user, 100, 0).build());
    assertEquals(eur(50), open.getSettleThreshold(), "half the cap by default");
    assertRefused(Status.Code.INVALID_ARGUMENT, "INVALID_AMOUNT", () -> tabs(partner).addTabItem(anItem(open.getTabId(), 0)));
    assertRefused(Status.Code.INVALID_ARGUMENT, "CURRENCY_MISMATCH",
        () -> tabs(partner).addTabItem(anItem(open.getTabId(), 5).toBuilder()
            .setAmount(Money.newBuilder().setAmountMinor(5).setCurrency("USD")).build()));
    assertRefused(Status.Code.INVALID_ARGUMENT, "INVALID_ID", () -> tabs(partner).addTabItem(anItem("not-a-tab", 5)));
    assertRefused(Status.Code.NOT_FOUND, "TAB_NOT_FOUND", () -> tabs(partner).addTabItem(anItem(UUID.randomUUID().toString(), 5)));
    assertEquals(200, fixtures.balance(user, "EUR"));
    assertLedgerHolds(user);
  }

  @Test
  void reconciliationCountsWhatOpenTabsHold() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = tabs(partner).openTab(aTab(user, 400, 100).build());
    tabs(partner).addTabItem(anItem(open.getTabId(), 120));

    Response run = as(admin()).post("/admin/v1/reconciliation/runs");
    run.then().statusCode(201).body("problems", equalTo(0));
    List<Map<String, Object>> currencies = run.path("currencies");
    assertTrue(currencies.stream().filter(c -> "EUR".equals(c.get("currency"))).allMatch(c -> Boolean.TRUE.equals(c.get("holdsMatchAuthorizedCharges"))));
  }

  private static CompletableFuture<Object> outcome(Uni<?> call) {
    return call.map(o -> (Object) o).onFailure().recoverWithItem(e -> e).subscribeAsCompletionStage();
  }
}
