package io.farthing.payments.statement;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.aCharge;
import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.anonymous;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.parseCsv;
import static io.farthing.payments.admin.TestCalls.partner;
import static io.farthing.payments.admin.TestCalls.partnerToken;
import static io.farthing.payments.admin.TestCalls.refund;
import static io.farthing.payments.admin.TestCalls.userToken;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ReceiptsAndStatementsTest {
  static final String FORMULA = "=HYPERLINK(\"x\"), ok";
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  /**
   * A user's month of movements: top-up 1000, charges of 100 and 180, 40 of the first refunded.
   * (Charges stay below the risk fallback's allow-below of 200, so a slow risk stand-in cannot
   * turn one into a challenge.)
   */
  record Story(UUID user, String merchant, Charge first, Charge second, Refund refund) {}

  Story aStory() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 500);
    Charge first = charge(plain, merchant, user, 100);
    Charge second = partner(plain, merchant).createCharge(aCharge(user, 180, "EUR").setDescription(FORMULA).build());
    Refund refund = refund(plain, merchant, first.getChargeId(), 40);
    assertEquals(760, fixtures.balance(user, "EUR"));
    return new Story(user, merchant, first, second, refund);
  }

  @Test
  void everyMovementHasAReceiptNewestFirstWithFeeCounterpartyAndBalanceAfter() {
    Story s = aStory();
    String token = userToken(s.user());

    Response page1 = as(token).queryParam("limit", 3).get("/v1/receipts");
    page1.then()
        .statusCode(200)
        .body("items.size()", equalTo(3))
        .body("items.kind", equalTo(List.of("REFUND", "CHARGE_CAPTURE", "CHARGE_CAPTURE")))
        .body("items.amountMinor", equalTo(List.of(40, -180, -100)))
        .body("items.direction", equalTo(List.of("IN", "OUT", "OUT")))
        .body("items.balanceAfterMinor", equalTo(List.of(760, 720, 900)))
        // 2 + 2.5 % (half up): 5 on 100, 7 on 180; the refund of 40 gives back 2 of the first fee.
        .body("items.feeMinor", equalTo(List.of(-2, 7, 5)))
        .body("items[0].refundId", equalTo(s.refund().getRefundId()))
        .body("items[0].chargeId", equalTo(s.first().getChargeId()))
        .body("items[1].chargeId", equalTo(s.second().getChargeId()))
        .body("items[1].description", equalTo(FORMULA))
        .body("items[1].counterparty.type", equalTo("MERCHANT"))
        .body("items[1].counterparty.id", equalTo(s.merchant()))
        .body("items[1].counterparty.name", equalTo("Shop " + s.merchant()))
        .body("items[2].referenceId", equalTo(s.first().getChargeId()))
        .body("nextCursor", notNullValue());

    as(token).queryParam("limit", 3).queryParam("cursor", (String) page1.path("nextCursor")).get("/v1/receipts").then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].kind", equalTo("TOP_UP"))
        .body("items[0].amountMinor", equalTo(1000))
        .body("items[0].balanceAfterMinor", equalTo(1000))
        .body("items[0].feeMinor", nullValue())
        .body("items[0].counterparty.type", equalTo("FUNDING"))
        .body("nextCursor", nullValue());

    String postingId = page1.path("items[1].postingId");
    as(token).get("/v1/receipts/" + postingId).then()
        .statusCode(200)
        .body("postingId", equalTo(postingId))
        .body("amountMinor", equalTo(-180))
        .body("feeMinor", equalTo(7))
        .body("balanceAfterMinor", equalTo(720))
        .body("chargeId", equalTo(s.second().getChargeId()));

    as(token).queryParam("currency", "USD").get("/v1/receipts").then().statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void anotherUsersReceiptIsNotFound() {
    Story s = aStory();
    String postingId = as(userToken(s.user())).get("/v1/receipts").path("items[0].postingId");

    as(userToken(UUID.randomUUID())).get("/v1/receipts/" + postingId).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo(ReceiptService.NOT_FOUND));
    // An operator's token is a person's token too: it reads only its own receipts.
    as(admin()).get("/v1/receipts/" + postingId).then().statusCode(404).contentType(PROBLEM);
    as(userToken(s.user())).get("/v1/receipts/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    as(userToken(s.user())).get("/v1/receipts/not-an-id").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_ID"));
    as(userToken(s.user())).queryParam("cursor", "bm90LWEtbnVtYmVy").get("/v1/receipts").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURSOR"));
    as(userToken(s.user())).queryParam("limit", 101).get("/v1/receipts").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    as(partnerToken(s.merchant())).get("/v1/receipts").then().statusCode(403).contentType(PROBLEM);
    anonymous().get("/v1/receipts").then().statusCode(401).contentType(PROBLEM);
  }

  @Test
  void aUsersMonthlyStatementAddsUpAsJsonAndAsCsv() {
    Story s = aStory();
    String month = YearMonth.now(ZoneOffset.UTC).toString();
    String token = userToken(s.user());

    as(token).get("/v1/statements/" + month + "?currency=EUR").then()
        .statusCode(200)
        .body("month", equalTo(month))
        .body("timeZone", equalTo("UTC"))
        .body("complete", equalTo(false))
        .body("openingBalanceMinor", equalTo(0))
        .body("closingBalanceMinor", equalTo(760))
        .body("totals.moneyInMinor", equalTo(1040))
        .body("totals.moneyOutMinor", equalTo(280))
        .body("totals.netMinor", equalTo(760))
        .body("totals.movements", equalTo(4))
        .body("movements.kind", equalTo(List.of("TOP_UP", "CHARGE_CAPTURE", "CHARGE_CAPTURE", "REFUND")))
        .body("movements.balanceAfterMinor", equalTo(List.of(1000, 900, 720, 760)));

    Response csv = as(token).get("/v1/statements/" + month + "?currency=EUR&format=csv");
    csv.then()
        .statusCode(200)
        .contentType(startsWith("text/csv"))
        .header("Content-Disposition", equalTo("attachment; filename=\"statement-" + month + "-EUR.csv\""));
    List<List<String>> rows = parseCsv(csv.asString());
    assertEquals(Arrays.asList(StatementCsv.USER_HEADER), rows.get(0));
    int amount = rows.get(0).indexOf("amount_minor");
    int balance = rows.get(0).indexOf("balance_after_minor");
    int description = rows.get(0).indexOf("description");
    assertEquals("OPENING_BALANCE", rows.get(1).get(0));
    assertEquals("CLOSING_BALANCE", rows.get(rows.size() - 1).get(0));
    assertEquals(7, rows.size(), "header, opening, four movements, closing");
    long opening = Long.parseLong(rows.get(1).get(balance));
    long sum = rows.subList(2, rows.size() - 1).stream().mapToLong(r -> Long.parseLong(r.get(amount))).sum();
    long closing = Long.parseLong(rows.get(rows.size() - 1).get(balance));
    assertEquals(closing, opening + sum);
    assertEquals(760, closing);
    rows.forEach(r -> assertEquals(StatementCsv.USER_HEADER.length, r.size(), "every row has every column: " + r));
    // A partner's description cannot become a spreadsheet formula, and survives commas and quotes.
    assertEquals("'" + FORMULA, rows.get(4).get(description));
  }

  @Test
  void aUsersMonthIsTheirOwnInTheirTimeZone() {
    UUID user = UUID.randomUUID();
    FakeAuth.user(user, UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_STANDARD, null, PARIS.getId());
    UUID wallet = fixtures.fund(user, "EUR", 10);
    YearMonth current = YearMonth.now(PARIS);
    YearMonth previous = current.minusMonths(1);
    Instant start = previous.atDay(1).atStartOfDay(PARIS).toInstant();
    Instant end = current.atDay(1).atStartOfDay(PARIS).toInstant();
    // Half an hour after midnight in Paris is still the previous day (and month) in UTC.
    topUpAt(wallet, start.minus(Duration.ofMinutes(30)), 300);
    topUpAt(wallet, start.plus(Duration.ofMinutes(30)), 200);
    topUpAt(wallet, end.minus(Duration.ofMinutes(30)), 50);

    as(userToken(user)).get("/v1/statements/" + previous + "?currency=EUR").then()
        .statusCode(200)
        .body("timeZone", equalTo("Europe/Paris"))
        .body("periodStart", equalTo(start.toString()))
        .body("periodEnd", equalTo(end.toString()))
        .body("complete", equalTo(true))
        .body("openingBalanceMinor", equalTo(300))
        .body("movements.amountMinor", equalTo(List.of(200, 50)))
        .body("movements.balanceAfterMinor", equalTo(List.of(500, 550)))
        .body("closingBalanceMinor", equalTo(550))
        .body("totals.moneyInMinor", equalTo(250))
        .body("totals.moneyOutMinor", equalTo(0));
    as(userToken(user)).get("/v1/statements/" + current + "?currency=EUR").then()
        .statusCode(200)
        .body("openingBalanceMinor", equalTo(550))
        .body("closingBalanceMinor", equalTo(560))
        .body("complete", equalTo(false));
    assertEquals(560, fixtures.balance(user, "EUR"));
    as(userToken(user)).get("/v1/statements/" + current + "?currency=USD").then()
        .statusCode(200)
        .body("openingBalanceMinor", equalTo(0))
        .body("closingBalanceMinor", equalTo(0))
        .body("movements.size()", equalTo(0));
  }

  @Test
  void aMerchantsStatementShowsGrossFeesRefundsNetAndEveryChargeInTheUtcMonth() {
    Story s = aStory();
    String month = YearMonth.now(ZoneOffset.UTC).toString();
    String token = TestTokens.client(s.merchant(), "payments:read");

    as(token).get("/partner/v1/statements/" + month + "?currency=EUR").then()
        .statusCode(200)
        .body("partnerClientId", equalTo(s.merchant()))
        .body("merchantName", equalTo("Shop " + s.merchant()))
        .body("timeZone", equalTo("UTC"))
        .body("openingBalanceMinor", equalTo(0))
        .body("closingBalanceMinor", equalTo(230))
        .body("totals.grossChargedMinor", equalTo(280))
        .body("totals.refundsMinor", equalTo(40))
        .body("totals.feesMinor", equalTo(10))
        .body("totals.netMinor", equalTo(230))
        .body("totals.charges", equalTo(2))
        .body("totals.refunds", equalTo(1))
        .body("lines.type", equalTo(List.of("CHARGE", "CHARGE", "REFUND")))
        .body("lines.chargeId", equalTo(List.of(s.first().getChargeId(), s.second().getChargeId(), s.first().getChargeId())))
        .body("lines[2].refundId", equalTo(s.refund().getRefundId()))
        .body("lines.amountMinor", equalTo(List.of(100, 180, -40)))
        .body("lines.feeMinor", equalTo(List.of(5, 7, -2)))
        .body("lines.netMinor", equalTo(List.of(95, 173, -38)))
        .body("lines.balanceAfterMinor", equalTo(List.of(95, 268, 230)));

    Response csv = as(token).get("/partner/v1/statements/" + month + "?currency=EUR&format=csv");
    csv.then().statusCode(200).contentType(startsWith("text/csv"));
    List<List<String>> rows = parseCsv(csv.asString());
    assertEquals(Arrays.asList(StatementCsv.MERCHANT_HEADER), rows.get(0));
    int net = rows.get(0).indexOf("net_minor");
    int amount = rows.get(0).indexOf("amount_minor");
    int fee = rows.get(0).indexOf("fee_minor");
    int balance = rows.get(0).indexOf("balance_after_minor");
    List<List<String>> lines = rows.subList(2, rows.size() - 1);
    assertEquals(3, lines.size());
    long opening = Long.parseLong(rows.get(1).get(balance));
    long closing = Long.parseLong(rows.get(rows.size() - 1).get(balance));
    assertEquals(closing, opening + lines.stream().mapToLong(r -> Long.parseLong(r.get(net))).sum());
    lines.forEach(
        r -> assertEquals(Long.parseLong(r.get(net)), Long.parseLong(r.get(amount)) - Long.parseLong(r.get(fee))));
  }

  @Test
  void aMerchantsMonthIsTheUtcMonth() {
    String merchant = fixtures.aMerchant();
    YearMonth previous = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    Instant start = previous.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    captureAt(merchant, start.minusSeconds(1));
    captureAt(merchant, start.plusSeconds(1));

    as(TestTokens.client(merchant, "payments:read")).get("/partner/v1/statements/" + previous + "?currency=EUR").then()
        .statusCode(200)
        .body("periodStart", equalTo(start.toString()))
        .body("complete", equalTo(true))
        .body("openingBalanceMinor", equalTo(97))
        .body("lines.size()", equalTo(1))
        .body("lines[0].amountMinor", equalTo(100))
        .body("lines[0].feeMinor", equalTo(3))
        .body("lines[0].netMinor", equalTo(97))
        .body("closingBalanceMinor", equalTo(194));
  }

  @Test
  void refusesBadRequestsAndOtherCallers() {
    Story s = aStory();
    String user = userToken(s.user());
    String month = YearMonth.now(ZoneOffset.UTC).toString();
    as(user).get("/v1/statements/2026-13?currency=EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_MONTH"));
    as(user).get("/v1/statements/2026-1?currency=EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_MONTH"));
    as(user).get("/v1/statements/" + YearMonth.now(ZoneOffset.UTC).plusMonths(2) + "?currency=EUR").then()
        .statusCode(422).contentType(PROBLEM).body("reason", equalTo("MONTH_NOT_STARTED"));
    as(user).get("/v1/statements/" + month + "?currency=EUR&format=xml").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_FORMAT"));
    as(user).get("/v1/statements/" + month).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_FIELD"));
    as(partnerToken(s.merchant())).get("/v1/statements/" + month + "?currency=EUR").then()
        .statusCode(403).contentType(PROBLEM);
    anonymous().get("/v1/statements/" + month + "?currency=EUR").then().statusCode(401).contentType(PROBLEM);

    String path = "/partner/v1/statements/" + month + "?currency=EUR";
    as(TestTokens.client(s.merchant(), "payments:charge")).get(path).then().statusCode(403).contentType(PROBLEM);
    as(user).get(path).then().statusCode(403).contentType(PROBLEM);
    as(TestTokens.client("fcl_not_a_merchant_" + UUID.randomUUID().toString().substring(0, 8), "payments:read"))
        .get(path).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo("MERCHANT_NOT_FOUND"));
    as(TestTokens.client(s.merchant(), "payments:read")).get("/partner/v1/statements/" + month + "?currency=EUR&format=pdf")
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_FORMAT"));
  }

  /** A top-up written straight into the ledger at a chosen time (entries cannot be back-dated otherwise). */
  void topUpAt(UUID wallet, Instant at, long amountMinor) {
    UUID funding = account("FUNDING", "platform");
    posting("TOP_UP", at, new UUID[] {funding, wallet}, new Long[] {-amountMinor, amountMinor});
    fixtures.update("update wallets set balance_minor = balance_minor + $2 where id = $1", wallet, amountMinor);
  }

  /** A capture of 100 with a fee of 3, written straight into the ledger at a chosen time. */
  void captureAt(String merchant, Instant at) {
    UUID funding = account("FUNDING", "platform");
    UUID fees = account("PLATFORM_FEES", "platform");
    UUID account = account("MERCHANT", merchant);
    posting("CHARGE_CAPTURE", at, new UUID[] {funding, account, fees}, new Long[] {-100L, 97L, 3L});
  }

  void posting(String kind, Instant at, UUID[] accounts, Long[] amounts) {
    fixtures.update(
        """
        with p as (insert into postings (id, kind, ref_id, created_at) values ($1, $2, $3, $4) returning id)
        insert into entries (posting_id, account_id, currency, amount_minor, created_at)
        select p.id, e.a, 'EUR', e.m, $4 from p, unnest($5::uuid[], $6::bigint[]) as e (a, m)
        """,
        UUID.randomUUID(), kind, UUID.randomUUID(), at.atOffset(ZoneOffset.UTC), accounts, amounts);
  }

  UUID account(String kind, String owner) {
    fixtures.update(
        "insert into accounts (id, kind, owner, currency) values ($1, $2, $3, 'EUR') on conflict do nothing",
        UUID.randomUUID(), kind, owner);
    return UUID.fromString(
        fixtures
            .strings("select id::text from accounts where kind = $1 and owner = $2 and currency = 'EUR'", kind, owner)
            .get(0));
  }
}
