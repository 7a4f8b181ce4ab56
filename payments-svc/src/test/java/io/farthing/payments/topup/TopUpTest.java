package io.farthing.payments.topup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class TopUpTest {
  static final String TOPUPS = "/v1/topups";
  static final String PROBLEM = "application/problem+json";

  @Inject Fixtures fixtures;
  @Inject SandboxFundingGateway sandbox;

  static RequestSpecification as(UUID user) {
    return given().auth().oauth2(TestTokens.user(user, "user"));
  }

  static Map<String, Object> aTopUp(long amountMinor, String instrument) {
    return Map.of("currency", "EUR", "amountMinor", amountMinor, "instrument", instrument);
  }

  static Response topUp(UUID user, String key, Map<String, Object> body) {
    return as(user).header("Idempotency-Key", key).contentType("application/json").body(body).post(TOPUPS);
  }

  static Response topUp(UUID user, long amountMinor, String instrument) {
    return topUp(user, UUID.randomUUID().toString(), aTopUp(amountMinor, instrument));
  }

  // ------------------------------------------------------------------------------------------
  // Outcomes
  // ------------------------------------------------------------------------------------------

  @Test
  void approvedTopUpCreditsTheWalletOnceWithItsPostingAndEvent() {
    UUID user = UUID.randomUUID();

    Response created = topUp(user, 500, SandboxFundingGateway.VISA);

    created.then()
        .statusCode(201)
        .header("Location", notNullValue())
        .body("status", equalTo("SUCCEEDED"))
        .body("amountMinor", equalTo(500))
        .body("currency", equalTo("EUR"))
        .body("walletId", notNullValue());
    String id = created.path("id");
    UUID wallet = UUID.fromString(created.path("walletId"));
    assertEquals(500, fixtures.balance(user, "EUR"));
    assertEquals(500, fixtures.entriesSum(wallet));
    assertEquals(1, topUpPostings(id));
    assertEquals(List.of("topup.succeeded"), events(id));
    assertEquals(1, sandbox.authorizeCalls(id));
    as(user).get(TOPUPS + "/" + id).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
  }

  @Test
  void declinedTopUpIsFailedWithTheGatewaysDeclineCodeAndCreditsNothing() {
    UUID user = UUID.randomUUID();

    Response declined = topUp(user, 500, SandboxFundingGateway.DECLINED);
    Response insufficient = topUp(user, 500, SandboxFundingGateway.INSUFFICIENT);

    declined.then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/topup-declined"))
        .body("reason", equalTo("TOPUP_DECLINED"))
        .body("declineCode", equalTo("card_declined"))
        .body("topUpId", notNullValue());
    insufficient.then().statusCode(422).body("declineCode", equalTo("insufficient_funds"));
    String id = declined.path("topUpId");
    as(user).get(TOPUPS + "/" + id).then()
        .statusCode(200)
        .body("status", equalTo("FAILED"))
        .body("declineCode", equalTo("card_declined"))
        .body("failureReason", equalTo("TOPUP_DECLINED"));
    assertEquals(0, fixtures.balance(user, "EUR"));
    assertEquals(0, topUpPostings(id));
    assertEquals(List.of("topup.failed"), events(id));
  }

  @Test
  void declinedTopUpReplaysTheSameProblemForTheSameKey() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    Response first = topUp(user, key, aTopUp(300, SandboxFundingGateway.DECLINED));
    Response again = topUp(user, key, aTopUp(300, SandboxFundingGateway.DECLINED));

    assertEquals(422, first.statusCode());
    assertEquals(422, again.statusCode());
    assertEquals(first.asString(), again.asString());
    assertEquals(1, sandbox.authorizeCalls(first.path("topUpId")));
  }

  @Test
  void topUpTheGatewayNeverAnswersIsPendingThenCancelledAndFailedByTheReconciler() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    Response pending = topUp(user, key, aTopUp(400, SandboxFundingGateway.TIMEOUT));

    pending.then().statusCode(202).body("status", equalTo("PENDING"));
    String id = pending.path("id");
    assertEquals(0, fixtures.balance(user, "EUR"));
    awaitStatus(user, id, "FAILED", Duration.ofSeconds(20));
    as(user).get(TOPUPS + "/" + id).then().body("failureReason", equalTo("GATEWAY_TIMEOUT"));
    assertEquals(0, fixtures.balance(user, "EUR"));
    assertEquals(List.of("topup.failed"), events(id));
    // The first answer is the one replayed: a client reads the outcome with GET.
    Response replay = topUp(user, key, aTopUp(400, SandboxFundingGateway.TIMEOUT));
    assertEquals(202, replay.statusCode());
    assertEquals(pending.asString(), replay.asString());
  }

  @Test
  void lateApprovalIsReconciledAndCreditedExactlyOnce() throws InterruptedException {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    Response pending = topUp(user, key, aTopUp(700, SandboxFundingGateway.LATE));

    pending.then().statusCode(202).body("status", equalTo("PENDING"));
    String id = pending.path("id");
    UUID wallet = UUID.fromString(pending.path("walletId"));
    awaitStatus(user, id, "SUCCEEDED", Duration.ofSeconds(20));
    // Further reconciler rounds and a retry of the same request change nothing.
    Thread.sleep(1_000);
    Response retry = topUp(user, key, aTopUp(700, SandboxFundingGateway.LATE));
    assertEquals(pending.asString(), retry.asString());
    assertEquals(700, fixtures.balance(user, "EUR"));
    assertEquals(700, fixtures.entriesSum(wallet));
    assertEquals(1, topUpPostings(id));
    assertEquals(List.of("topup.succeeded"), events(id));
    assertEquals(1, sandbox.authorizeCalls(id));
  }

  // ------------------------------------------------------------------------------------------
  // Idempotency
  // ------------------------------------------------------------------------------------------

  @Test
  void sameKeyAndBodyReplaysTheFirstResponseAndCreditsOnce() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    Response first = topUp(user, key, aTopUp(250, SandboxFundingGateway.VISA));
    Response second = topUp(user, key, aTopUp(250, SandboxFundingGateway.VISA));

    assertEquals(201, first.statusCode());
    assertEquals(201, second.statusCode());
    assertEquals(first.asString(), second.asString());
    assertEquals(first.header("Location"), second.header("Location"));
    assertEquals(250, fixtures.balance(user, "EUR"));
    assertEquals(1, sandbox.authorizeCalls(first.path("id")));
  }

  @Test
  void sameKeyWithADifferentBodyIsRefused() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    topUp(user, key, aTopUp(250, SandboxFundingGateway.VISA)).then().statusCode(201);

    topUp(user, key, aTopUp(251, SandboxFundingGateway.VISA)).then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));

    assertEquals(250, fixtures.balance(user, "EUR"));
  }

  @Test
  void aRequestWhoseKeyIsStillInFlightIsToldToRetry() throws Exception {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    CompletableFuture<Response> first =
        CompletableFuture.supplyAsync(() -> topUp(user, key, aTopUp(300, SandboxFundingGateway.TIMEOUT)));
    await(() -> topUpRows(user) == 1, Duration.ofSeconds(10));

    Response meanwhile = topUp(user, key, aTopUp(300, SandboxFundingGateway.TIMEOUT));

    meanwhile.then()
        .statusCode(409)
        .contentType(PROBLEM)
        .header("Retry-After", notNullValue())
        .body("reason", equalTo("IDEMPOTENCY_KEY_IN_USE"));
    assertEquals(202, first.get().statusCode());
    assertEquals(first.get().asString(), topUp(user, key, aTopUp(300, SandboxFundingGateway.TIMEOUT)).asString());
  }

  @Test
  void concurrentRequestsWithOneKeyRunOnce() throws Exception {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return topUp(user, key, aTopUp(300, SandboxFundingGateway.LATE));
                }));
      }
      start.countDown();
      List<String> bodies = new ArrayList<>();
      for (Future<Response> answer : answers) {
        Response response = answer.get();
        if (response.statusCode() == 202) {
          bodies.add(response.asString());
        } else {
          assertEquals(409, response.statusCode(), response.asString());
          assertEquals("IDEMPOTENCY_KEY_IN_USE", response.path("reason"));
        }
      }
      assertTrue(bodies.size() >= 1, "one request ran");
      assertEquals(1, bodies.stream().distinct().count(), "every 202 is the same answer");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, topUpRows(user));
    String id = fixtures.strings("select id::text from topups where user_id = $1", user).get(0);
    assertEquals(1, sandbox.authorizeCalls(id));
  }

  @Test
  void aRetryAfterACrashResumesTheRecordedTopUpInsteadOfStartingAnother() {
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 100);
    String key = UUID.randomUUID().toString();
    NewTopUp request = new NewTopUp(500, "EUR", SandboxFundingGateway.VISA);
    UUID recorded = io.farthing.common.Ids.newId();
    // What a request leaves behind when it dies after recording its top-up: the PENDING row naming
    // its key, and the key in flight with a lease that has run out.
    fixtures.update(
        "insert into topups (id, user_id, wallet_id, currency, amount_minor, instrument, gateway, status, open_key,"
            + " next_check_at) values ($1, $2, $3, 'EUR', 500, $4, 'sandbox', 'PENDING', $5, now() + interval '1 hour')",
        recorded, user, wallet, SandboxFundingGateway.VISA, key);
    fixtures.update(
        "insert into idempotency_keys (caller, key, operation, request_hash, state, lease_token, leased_until, expires_at)"
            + " values ($1, $2, $3, $4, 'IN_FLIGHT', $5, now() - interval '1 second', now() + interval '1 day')",
        "user:" + user, key, TopUpService.OP_CREATE,
        io.vertx.core.buffer.Buffer.buffer(
            io.farthing.payments.idempotency.IdempotencyKeys.hash(TopUpService.OP_CREATE, request.canonical())),
        UUID.randomUUID());

    Response retried = topUp(user, key, aTopUp(500, SandboxFundingGateway.VISA));

    retried.then().statusCode(201).body("id", equalTo(recorded.toString())).body("status", equalTo("SUCCEEDED"));
    assertEquals(1, topUpRows(user));
    assertEquals(600, fixtures.balance(user, "EUR"));
    assertEquals(600, fixtures.entriesSum(wallet));
    assertEquals(1, topUpPostings(recorded.toString()));
    assertEquals(1, sandbox.authorizeCalls(recorded.toString()));
    assertEquals(
        List.of("0"), fixtures.strings("select count(*)::text from topups where id = $1 and open_key is not null", recorded));
  }

  // ------------------------------------------------------------------------------------------
  // Limits and risk
  // ------------------------------------------------------------------------------------------

  @Test
  void topUpPastTheKycWalletMaximumIsRefusedBeforeTheInstrumentIsCharged() {
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 14_900); // tier 0 holds at most 15 000

    topUp(user, 200, SandboxFundingGateway.VISA).then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("reason", equalTo("LIMIT_EXCEEDED"))
        .body("detail", org.hamcrest.Matchers.containsString("WALLET_MAX"));

    assertEquals(14_900, fixtures.balance(user, "EUR"));
    assertEquals(14_900, fixtures.entriesSum(wallet));
    assertEquals(0, topUpRows(user));
  }

  @Test
  void approvalThatNoLongerFitsTheWalletIsRefundedToTheInstrumentNotCredited() {
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 14_000);
    Response late = topUp(user, 800, SandboxFundingGateway.LATE);
    late.then().statusCode(202);
    // Meanwhile other money fills the wallet almost to its maximum.
    topUp(user, 900, SandboxFundingGateway.VISA).then().statusCode(201);
    String id = late.path("id");

    awaitStatus(user, id, "REVERSED", Duration.ofSeconds(20));

    as(user).get(TOPUPS + "/" + id).then().body("failureReason", equalTo("WALLET_MAX"));
    assertTrue(sandbox.refunded(id));
    assertEquals(14_900, fixtures.balance(user, "EUR"));
    assertEquals(14_900, fixtures.entriesSum(wallet));
    assertEquals(0, topUpPostings(id));
    assertEquals(List.of("topup.failed"), events(id));
  }

  @Test
  void riskDenialRefusesTheTopUpAndRecordsItFailed() {
    UUID user = UUID.randomUUID();
    FakeRisk.verdict(user, Verdict.VERDICT_DENY);

    topUp(user, 500, SandboxFundingGateway.VISA).then()
        .statusCode(403)
        .contentType(PROBLEM)
        .body("reason", equalTo("RISK_DENIED"));

    assertEquals(0, fixtures.balance(user, "EUR"));
    assertEquals(
        List.of("FAILED RISK_DENIED"),
        fixtures.strings("select status || ' ' || failure_reason from topups where user_id = $1", user));
    assertEquals(List.of("topup.failed"), fixtures.eventTypesForUser(user));
  }

  @Test
  void riskChallengeDoesNotStopMoneyComingIn() {
    UUID user = UUID.randomUUID();
    FakeRisk.verdict(user, Verdict.VERDICT_CHALLENGE);

    topUp(user, 500, SandboxFundingGateway.VISA).then().statusCode(201).body("status", equalTo("SUCCEEDED"));

    assertEquals(500, fixtures.balance(user, "EUR"));
    var scored = FakeRisk.SCORED.stream().filter(r -> r.getUserId().equals(user.toString())).toList();
    assertEquals(1, scored.size());
    assertEquals(io.farthing.proto.risk.v1.Channel.CHANNEL_TOP_UP, scored.get(0).getChannel());
  }

  // ------------------------------------------------------------------------------------------
  // Callers and input
  // ------------------------------------------------------------------------------------------

  @Test
  void anotherUsersTopUpIsNotFound() {
    UUID owner = UUID.randomUUID();
    String id = topUp(owner, 100, SandboxFundingGateway.VISA).path("id");

    as(UUID.randomUUID()).get(TOPUPS + "/" + id).then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("reason", equalTo("TOPUP_NOT_FOUND"));
    as(owner).get(TOPUPS + "/" + UUID.randomUUID()).then().statusCode(404);
    as(owner).get(TOPUPS + "/not-an-id").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
  }

  @Test
  void topUpsNeedAUsersValidToken() {
    given().header("Idempotency-Key", "k1").contentType("application/json")
        .body(aTopUp(100, SandboxFundingGateway.VISA)).post(TOPUPS)
        .then().statusCode(401).contentType(PROBLEM).body("reason", equalTo("UNAUTHENTICATED"));
    given().auth().oauth2("not.a.token").get(TOPUPS + "/" + UUID.randomUUID())
        .then().statusCode(401).contentType(PROBLEM);
    given().auth().oauth2(TestTokens.expiredClient("fcl_x", "payments:read")).get(TOPUPS + "/" + UUID.randomUUID())
        .then().statusCode(401);
    given().auth().oauth2(TestTokens.client("fcl_partner", "payments:charge"))
        .header("Idempotency-Key", "k2").contentType("application/json")
        .body(aTopUp(100, SandboxFundingGateway.VISA)).post(TOPUPS)
        .then().statusCode(403).contentType(PROBLEM);
  }

  @Test
  void badInputIsRefusedWithItsReasonAndChargesNothing() {
    UUID user = UUID.randomUUID();
    as(user).contentType("application/json").body(aTopUp(100, SandboxFundingGateway.VISA)).post(TOPUPS)
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    assertBad(user, Map.of("currency", "EUR", "amountMinor", 0, "instrument", "tok_sandbox_visa"), "INVALID_AMOUNT");
    assertBad(user, Map.of("currency", "EUR", "amountMinor", -5, "instrument", "tok_sandbox_visa"), "INVALID_AMOUNT");
    assertBad(user, Map.of("currency", "EUR", "amountMinor", 1.5, "instrument", "tok_sandbox_visa"), "INVALID_AMOUNT");
    assertBad(user, Map.of("currency", "EUR", "amountMinor", new java.math.BigInteger("99999999999999999999"),
        "instrument", "tok_sandbox_visa"), "INVALID_AMOUNT");
    assertBad(user, Map.of("currency", "eur", "amountMinor", 100, "instrument", "tok_sandbox_visa"), "INVALID_CURRENCY");
    assertBad(user, Map.of("amountMinor", 100, "instrument", "tok_sandbox_visa"), "MISSING_FIELD");
    assertBad(user, Map.of("currency", "EUR", "amountMinor", 100), "MISSING_FIELD");
    assertBad(user, Map.of("currency", "EUR", "amountMinor", 100, "instrument", "tok with spaces"), "INVALID_INSTRUMENT");
    as(user).header("Idempotency-Key", "k-bad-json").contentType("application/json").body("{\"currency\":").post(TOPUPS)
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("MALFORMED_BODY"));
    // A real ISO code that Farthing does not offer wallets in.
    topUp(user, UUID.randomUUID().toString(), Map.of("currency", "JPY", "amountMinor", 100, "instrument", "tok_sandbox_visa"))
        .then().statusCode(422).body("reason", equalTo("CURRENCY_NOT_SUPPORTED"));
    assertEquals(0, topUpRows(user));
  }

  private static void assertBad(UUID user, Map<String, Object> body, String reason) {
    topUp(user, UUID.randomUUID().toString(), body).then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo(reason));
  }

  // ------------------------------------------------------------------------------------------

  private long topUpPostings(String topUpId) {
    return fixtures.longValue("select count(*) from postings where kind = 'TOP_UP' and ref_id = $1", UUID.fromString(topUpId));
  }

  private long topUpRows(UUID user) {
    return fixtures.longValue("select count(*) from topups where user_id = $1", user);
  }

  private List<String> events(String topUpId) {
    return fixtures.strings("select type from outbox where ordering_key = $1 order by seq", "topup:" + topUpId);
  }

  private static void awaitStatus(UUID user, String id, String status, Duration within) {
    await(() -> status.equals(as(user).get(TOPUPS + "/" + id).path("status")), within);
  }

  static void await(BooleanSupplier condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
    fail("condition not met within " + within);
  }
}
