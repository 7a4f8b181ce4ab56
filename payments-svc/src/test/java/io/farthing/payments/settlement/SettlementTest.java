package io.farthing.payments.settlement;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.parseCsv;
import static io.farthing.payments.admin.TestCalls.refund;
import static io.farthing.payments.admin.TestCalls.support;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.GetSettlementWindowRequest;
import io.farthing.proto.payments.v1.GetWindowStatementRequest;
import io.farthing.proto.payments.v1.ListSettlementWindowsRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.SettlementWindowStatus;
import io.farthing.proto.payments.v1.SettlementsGrpc;
import io.farthing.proto.payments.v1.WindowStatement;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class SettlementTest {
  static final int PARALLEL = 8;

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @GrpcClient("payments")
  SettlementsGrpc.SettlementsBlockingStub settlementsPlain;

  @Inject Fixtures fixtures;
  @Inject SettlementService settlement;
  @Inject SandboxPayoutGateway gateway;
  @Inject Pool pool;
  @Inject Accounts accounts;
  @Inject Ledger ledger;

  SettlementsGrpc.SettlementsBlockingStub settlements(String partner) {
    return withToken(settlementsPlain, TestTokens.client(partner, "payments:read"));
  }

  SettlementWindow openWindow(String merchant) {
    return settlement.openFor(merchant, "EUR").await().indefinitely();
  }

  SettlementWindow forceClose(UUID window) {
    return settlement.forceClose(window).await().indefinitely();
  }

  SettlementWindow window(UUID id) {
    return settlement.get(id).await().indefinitely();
  }

  /** The account's window after {@code closed}: the one its close opened. */
  SettlementWindow next(String merchant) {
    return openWindow(merchant);
  }

  List<String> events(UUID window) {
    return fixtures.strings("select type from outbox where ordering_key = $1 order by seq", "settlement:" + window);
  }

  long postings(String kind, UUID window) {
    return fixtures.longValue("select count(*) from postings where kind = $1 and ref_id = $2", kind, window);
  }

  /** Sum of a posting's entries on accounts of one kind. */
  long postedTo(UUID postingId, AccountKind kind) {
    return fixtures.longValue(
        "select coalesce(sum(e.amount_minor), 0) from entries e join accounts a on a.id = e.account_id"
            + " where e.posting_id = $1 and a.kind = $2",
        postingId, kind.name());
  }

  /**
   * Charges of 100 (fee 2 + 2.5 % = 5) and 180 (fee 7), 40 of the first refunded (fee 2 given back):
   * net 95 + 173 - 38 = 230, gross 280, refunds 40, fees 10.
   */
  record Story(String merchant, UUID user, Charge first, Charge second) {}

  Story aStory() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 500);
    Charge first = charge(plain, merchant, user, 100);
    Charge second = charge(plain, merchant, user, 180);
    refund(plain, merchant, first.getChargeId(), 40);
    return new Story(merchant, user, first, second);
  }

  @Test
  void aWindowNetsChargesRefundsAndFeesExactlyAndPaysOutOnce() {
    Story s = aStory();
    UUID id = openWindow(s.merchant()).id();
    assertEquals(230, fixtures.merchantBalance(s.merchant(), "EUR"));

    SettlementWindow closed = forceClose(id);
    assertEquals(WindowStatus.CLOSED, closed.status());
    assertEquals(230L, closed.netMinor());
    assertEquals(230, closed.payoutMinor());
    assertEquals(3, closed.lineCount());
    // The payout is owed: MERCHANT → PAYOUTS_PENDING, for exactly the lines' sum.
    assertEquals(0, fixtures.merchantBalance(s.merchant(), "EUR"));
    assertEquals(230, postedTo(closed.payoutPostingId(), AccountKind.PAYOUTS_PENDING));
    assertEquals(-230, postedTo(closed.payoutPostingId(), AccountKind.MERCHANT));

    WindowStatement statement =
        settlements(s.merchant()).getWindowStatement(GetWindowStatementRequest.newBuilder().setWindowId(id.toString()).build());
    assertEquals(280, statement.getGrossCharged().getAmountMinor());
    assertEquals(40, statement.getRefunds().getAmountMinor());
    assertEquals(10, statement.getFees().getAmountMinor());
    assertEquals(230, statement.getNet().getAmountMinor());
    assertEquals(SettlementWindowStatus.SETTLEMENT_WINDOW_STATUS_CLOSED, statement.getWindow().getStatus());
    assertEquals(
        List.of("CHARGE", "CHARGE", "REFUND"), statement.getLinesList().stream().map(l -> l.getType()).toList());
    assertEquals(List.of(95L, 173L, -38L), statement.getLinesList().stream().map(l -> l.getNetMinor()).toList());
    assertEquals(List.of(5L, 7L, -2L), statement.getLinesList().stream().map(l -> l.getFeeMinor()).toList());

    SettlementWindow settled = settlement.retryPayout(id).await().indefinitely();
    assertEquals(WindowStatus.SETTLED, settled.status());
    assertEquals(1, gateway.payoutsMade(id.toString()));
    // The money left the platform: PAYOUTS_PENDING → FUNDING.
    assertEquals(-230, postedTo(settled.paidPostingId(), AccountKind.PAYOUTS_PENDING));
    assertEquals(230, postedTo(settled.paidPostingId(), AccountKind.FUNDING));
    assertEquals(List.of("settlement.closed", "payout.settled"), events(id));
    // Replays change nothing.
    assertEquals(WindowStatus.SETTLED, settlement.retryPayout(id).await().indefinitely().status());
    assertEquals(WindowStatus.SETTLED, forceClose(id).status());
    assertEquals(1, postings(SettlementService.PAID_POSTING, id));
    assertEquals(1, postings(SettlementService.PAYOUT_POSTING, id));

    String token = TestTokens.client(s.merchant(), "payments:read");
    as(token).get("/partner/v1/settlement-windows/" + id + "/statement").then()
        .statusCode(200)
        .body("window.status", equalTo("SETTLED"))
        .body("window.payoutMinor", equalTo(230))
        .body("merchantName", equalTo("Shop " + s.merchant()))
        .body("totals.grossChargedMinor", equalTo(280))
        .body("totals.netMinor", equalTo(230))
        .body("lines.chargeId", equalTo(List.of(s.first().getChargeId(), s.second().getChargeId(), s.first().getChargeId())));
    Response csv = as(token).get("/partner/v1/settlement-windows/" + id + "/statement?format=csv");
    csv.then().statusCode(200).contentType(startsWith("text/csv"));
    List<List<String>> rows = parseCsv(csv.asString());
    assertEquals("line_type", rows.get(0).get(0));
    int net = rows.get(0).indexOf("net_minor");
    int balance = rows.get(0).indexOf("balance_after_minor");
    List<List<String>> lines = rows.subList(2, rows.size() - 1);
    assertEquals(3, lines.size());
    assertEquals("230", rows.get(rows.size() - 1).get(balance));
    assertEquals(230, lines.stream().mapToLong(r -> Long.parseLong(r.get(net))).sum());
    as(token).get("/partner/v1/settlement-windows?currency=EUR").then()
        .statusCode(200).body("items.windowId", hasItem(id.toString()));
  }

  @Test
  void anEntryCommittedLateGoesInTheNextWindow() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 500);
    charge(plain, merchant, user, 100);
    SettlementWindow first = openWindow(merchant);
    UUID account = accounts.merchant(merchant, "EUR").await().indefinitely();
    UUID funding = accounts.platform(AccountKind.FUNDING, "EUR").await().indefinitely();

    // A transaction that started before the close and commits after it: its entry's created_at is
    // before the window's end, but the close cannot see it.
    SqlConnection late = pool.getConnection().await().indefinitely();
    try {
      Transaction tx = late.begin().await().indefinitely();
      ledger
          .post(late, Posting.builder("CHARGE_CAPTURE", UUID.randomUUID()).move(funding, account, "EUR", 60).build())
          .await()
          .indefinitely();

      SettlementWindow closed = forceClose(first.id());
      assertEquals(95L, closed.netMinor());
      assertEquals(1, closed.lineCount());
      tx.commit().await().indefinitely();
    } finally {
      late.close().await().indefinitely();
    }

    assertEquals(60, fixtures.merchantBalance(merchant, "EUR"));
    SettlementWindow second = next(merchant);
    assertEquals(window(first.id()).endsAt(), second.startsAt());
    SettlementWindow closedSecond = forceClose(second.id());
    assertEquals(60L, closedSecond.netMinor());
    assertEquals(1, closedSecond.lineCount());
    assertEquals(0, fixtures.merchantBalance(merchant, "EUR"));
    // Every merchant entry is in exactly one window.
    assertEquals(
        0,
        fixtures.longValue(
            "select count(*) from entries e where e.account_id = $1"
                + " and not exists (select 1 from settlement_lines l where l.entry_id = e.id)",
            account));
  }

  @Test
  void closersAndPayersInParallelSettleOnce() {
    Story s = aStory();
    UUID id = openWindow(s.merchant()).id();

    List<Uni<Optional<SettlementWindow>>> closers = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      closers.add(settlement.close(id, true));
    }
    List<Optional<SettlementWindow>> closed =
        Uni.join().all(closers).andCollectFailures().await().indefinitely();
    assertEquals(1, closed.stream().filter(Optional::isPresent).count());
    assertEquals(1, postings(SettlementService.PAYOUT_POSTING, id));
    assertEquals(4, fixtures.longValue("select count(*) from settlement_lines where window_id = $1", id));
    assertEquals(1, fixtures.longValue("select count(*) from outbox where ordering_key = $1", "settlement:" + id));
    // The close opened exactly one next window.
    assertEquals(
        1,
        fixtures.longValue(
            "select count(*) from settlement_windows where partner_client_id = $1 and status = 'OPEN'", s.merchant()));

    List<Uni<SettlementWindow>> payers = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      payers.add(i % 2 == 0 ? settlement.retryPayout(id) : settlement.pay(window(id)));
    }
    Uni.join().all(payers).andCollectFailures().await().indefinitely();
    assertEquals(WindowStatus.SETTLED, window(id).status());
    assertEquals(1, postings(SettlementService.PAID_POSTING, id));
    assertEquals(1, gateway.payoutsMade(id.toString()));
    assertEquals(List.of("settlement.closed", "payout.settled"), events(id));
    assertEquals(0, fixtures.merchantBalance(s.merchant(), "EUR"));
  }

  @Test
  void aFailedPayoutStaysClosedWithItsReasonAndIsRetried() {
    Story s = aStory();
    gateway.refuse(s.merchant(), "ACCOUNT_CLOSED");
    UUID id = openWindow(s.merchant()).id();
    forceClose(id);

    SettlementWindow failed = settlement.retryPayout(id).await().indefinitely();
    assertEquals(WindowStatus.CLOSED, failed.status());
    assertEquals("ACCOUNT_CLOSED", failed.failureReason());
    assertEquals(1, failed.payoutAttempts());
    assertTrue(failed.nextAttemptAt().isAfter(failed.closedAt()));
    settlement.retryPayout(id).await().indefinitely();
    assertEquals(0, postings(SettlementService.PAID_POSTING, id));
    assertEquals(List.of("settlement.closed", "payout.failed"), events(id));

    as(admin()).get("/admin/v1/settlement/windows?status=CLOSED&partner=" + s.merchant()).then()
        .statusCode(200)
        .body("items[0].id", equalTo(id.toString()))
        .body("items[0].failureReason", equalTo("ACCOUNT_CLOSED"))
        .body("items[0].payoutAttempts", equalTo(2));

    gateway.accept(s.merchant());
    as(admin()).post("/admin/v1/settlement/windows/" + id + "/retry-payout").then()
        .statusCode(200)
        .body("status", equalTo("SETTLED"))
        .body("failureReason", nullValue())
        .body("payoutAttempts", equalTo(3));
    assertEquals(1, postings(SettlementService.PAID_POSTING, id));
    assertEquals(1, gateway.payoutsMade(id.toString()));
    assertEquals(List.of("settlement.closed", "payout.failed", "payout.settled"), events(id));
  }

  @Test
  void aNegativeNetIsCarriedToTheNextWindow() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 500);
    Charge first = charge(plain, merchant, user, 100);
    SettlementWindow one = forceClose(openWindow(merchant).id());
    assertEquals(95, one.payoutMinor());

    refund(plain, merchant, first.getChargeId(), 40);
    SettlementWindow two = forceClose(next(merchant).id());
    assertEquals(WindowStatus.SETTLED, two.status());
    assertTrue(two.carriedForward());
    assertEquals(-38L, two.netMinor());
    assertEquals(0, two.payoutMinor());
    assertEquals(0, two.lineCount());
    assertEquals(0, postings(SettlementService.PAYOUT_POSTING, two.id()));
    assertEquals(-38, fixtures.merchantBalance(merchant, "EUR"));
    assertEquals(List.of("settlement.closed"), events(two.id()));

    charge(plain, merchant, user, 180);
    SettlementWindow three = forceClose(next(merchant).id());
    assertEquals(135L, three.netMinor());
    assertEquals(135, three.payoutMinor());
    assertEquals(2, three.lineCount());
    assertEquals(0, fixtures.merchantBalance(merchant, "EUR"));
  }

  @Test
  void reconciliationChecksEveryWindowAndFindsATamperedLine() {
    Story s = aStory();
    UUID id = openWindow(s.merchant()).id();
    forceClose(id);
    settlement.retryPayout(id).await().indefinitely();
    assertEquals(List.of(), problemsOf(runReconciliation(), id));

    long entry = fixtures.longValue("select min(entry_id) from settlement_lines where window_id = $1", id);
    fixtures.update("update settlement_lines set amount_minor = amount_minor + 1 where entry_id = $1", entry);
    try {
      List<Map<String, Object>> problems = problemsOf(runReconciliation(), id);
      assertEquals(1, problems.size(), problems.toString());
      assertEquals("LINES_MISMATCH", problems.get(0).get("problem"));
      assertEquals(230, problems.get(0).get("expectedMinor"));
      assertEquals(231, problems.get(0).get("actualMinor"));
    } finally {
      fixtures.update("update settlement_lines set amount_minor = amount_minor - 1 where entry_id = $1", entry);
    }

    // A line dropped: the window no longer adds up, and its entry is left in no window.
    fixtures.update("delete from settlement_lines where entry_id = $1", entry);
    try {
      fixtures.update(
          "update settlement_windows set closed_at = closed_at + interval '1 hour' where id = $1", id);
      List<String> found = problemsOf(runReconciliation(), id).stream().map(p -> (String) p.get("problem")).toList();
      assertEquals(List.of("ASSIGNED_NOT_ZERO", "LINES_MISMATCH", "MISSED_ENTRY"), found.stream().sorted().toList());
    } finally {
      fixtures.update(
          "insert into settlement_lines (entry_id, window_id, amount_minor)"
              + " select id, $2, amount_minor from entries where id = $1", entry, id);
      fixtures.update(
          "update settlement_windows set closed_at = closed_at - interval '1 hour' where id = $1", id);
    }
    assertEquals(List.of(), problemsOf(runReconciliation(), id));
  }

  JsonPath runReconciliation() {
    return as(admin()).post("/admin/v1/reconciliation/runs").then().statusCode(201).extract().jsonPath();
  }

  /** The run's settlement problems about this window, or about its merchant account. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> problemsOf(JsonPath run, UUID window) {
    String account = window(window).accountId().toString();
    List<Map<String, Object>> all = run.getList("settlement.problems");
    return all.stream()
        .filter(p -> window.toString().equals(p.get("windowId")) || account.equals(p.get("accountId")))
        .toList();
  }

  @Test
  void anotherPartnersWindowIsNotFoundAndBadInputIsRefused() {
    Story s = aStory();
    UUID id = openWindow(s.merchant()).id();
    String other = fixtures.aMerchant();

    assertRefused(
        Status.Code.NOT_FOUND, "SETTLEMENT_WINDOW_NOT_FOUND",
        () -> settlements(other).getSettlementWindow(GetSettlementWindowRequest.newBuilder().setWindowId(id.toString()).build()));
    assertRefused(
        Status.Code.NOT_FOUND, "SETTLEMENT_WINDOW_NOT_FOUND",
        () -> settlements(other).getWindowStatement(GetWindowStatementRequest.newBuilder().setWindowId(id.toString()).build()));
    assertEquals(
        0, settlements(other).listSettlementWindows(ListSettlementWindowsRequest.getDefaultInstance()).getWindowsCount());
    assertEquals(
        SettlementWindowStatus.SETTLEMENT_WINDOW_STATUS_OPEN,
        settlements(s.merchant())
            .getSettlementWindow(GetSettlementWindowRequest.newBuilder().setWindowId(id.toString()).build())
            .getStatus());
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "INVALID_ID",
        () -> settlements(s.merchant()).getSettlementWindow(GetSettlementWindowRequest.newBuilder().setWindowId("nope").build()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "MISSING_FIELD",
        () -> settlements(s.merchant()).getWindowStatement(GetWindowStatementRequest.getDefaultInstance()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "INVALID_PAGE_SIZE",
        () -> settlements(s.merchant()).listSettlementWindows(ListSettlementWindowsRequest.newBuilder().setPageSize(101).build()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
        () -> settlements(s.merchant()).listSettlementWindows(ListSettlementWindowsRequest.newBuilder().setPageToken("x").build()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "INVALID_CURRENCY",
        () -> settlements(s.merchant()).listSettlementWindows(ListSettlementWindowsRequest.newBuilder().setCurrency("EURO").build()));
    assertRefused(
        Status.Code.PERMISSION_DENIED, null,
        () -> withToken(settlementsPlain, TestTokens.client(s.merchant(), "payments:charge"))
            .listSettlementWindows(ListSettlementWindowsRequest.getDefaultInstance()));

    String partner = TestTokens.client(other, "payments:read");
    as(partner).get("/partner/v1/settlement-windows/" + id).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo("SETTLEMENT_WINDOW_NOT_FOUND"));
    as(partner).get("/partner/v1/settlement-windows/not-an-id").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_ID"));
    as(TestTokens.client(s.merchant(), "payments:read")).get("/partner/v1/settlement-windows/" + id + "/statement?format=xml")
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_FORMAT"));
    as(partner).get("/partner/v1/settlement-windows?cursor=not*a*cursor").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURSOR"));
    as(partner).get("/partner/v1/settlement-windows?limit=0").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    as(userToken(s.user())).get("/partner/v1/settlement-windows").then().statusCode(403).contentType(PROBLEM);

    as(admin()).post("/admin/v1/settlement/windows/" + id + "/retry-payout").then()
        .statusCode(422).contentType(PROBLEM).body("reason", equalTo("SETTLEMENT_WINDOW_OPEN"));
    as(admin()).post("/admin/v1/settlement/windows/" + UUID.randomUUID() + "/close").then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo("SETTLEMENT_WINDOW_NOT_FOUND"));
    as(admin()).get("/admin/v1/settlement/windows?status=BOGUS").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_STATUS"));
    as(support()).post("/admin/v1/settlement/windows/" + id + "/close").then().statusCode(403).contentType(PROBLEM);
    as(partner).get("/admin/v1/settlement/windows").then().statusCode(403).contentType(PROBLEM);
    // Nothing changed by any refusal.
    assertEquals(WindowStatus.OPEN, window(id).status());
    as(support()).get("/admin/v1/settlement/windows/" + id).then().statusCode(200).body("status", equalTo("OPEN"));
  }

  static void assertRefused(Status.Code code, String reason, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, code(e), e.getMessage());
    if (reason != null) {
      assertEquals(reason, reason(e));
    }
  }
}
