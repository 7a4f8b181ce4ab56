package io.farthing.payments.transfer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class TransferTest {
  static final String TRANSFERS = "/v1/transfers";
  static final String PROBLEM = "application/problem+json";

  @Inject Fixtures fixtures;

  static RequestSpecification as(UUID user) {
    return given().auth().oauth2(TestTokens.user(user, "user"));
  }

  static Map<String, Object> aTransfer(UUID to, long amountMinor) {
    Map<String, Object> body = new HashMap<>();
    body.put("toUserId", to.toString());
    body.put("amountMinor", amountMinor);
    body.put("currency", "EUR");
    body.put("note", "Lunch");
    return body;
  }

  static Response send(UUID from, String key, Map<String, Object> body) {
    return as(from).header("Idempotency-Key", key).contentType("application/json").body(body).post(TRANSFERS);
  }

  /**
   * Sends, and sends again with the same key while the answer is 503 (a dependency missed its
   * deadline; nothing moved and the key was released) — what a client does.
   */
  static Response sendRetrying(UUID from, String key, Map<String, Object> body) {
    Response answer = send(from, key, body);
    for (int attempt = 0; attempt < 5 && answer.statusCode() == 503; attempt++) {
      answer = send(from, key, body);
    }
    return answer;
  }

  static Response send(UUID from, UUID to, long amountMinor) {
    return send(from, UUID.randomUUID().toString(), aTransfer(to, amountMinor));
  }

  // ------------------------------------------------------------------------------------------
  // Money moves, and only when it can
  // ------------------------------------------------------------------------------------------

  @Test
  void transferMovesMoneyBetweenWalletsAndConservesTheTotal() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID aliceWallet = fixtures.fund(alice, "EUR", 1_000);
    UUID bobWallet = fixtures.fund(bob, "EUR", 200);
    long before = fixtures.balance(alice, "EUR") + fixtures.balance(bob, "EUR");

    Response sent = send(alice, bob, 150);

    sent.then()
        .statusCode(201)
        .header("Location", notNullValue())
        .body("id", notNullValue())
        .body("fromUserId", equalTo(alice.toString()))
        .body("toUserId", equalTo(bob.toString()))
        .body("amountMinor", equalTo(150))
        .body("currency", equalTo("EUR"))
        .body("note", equalTo("Lunch"))
        .body("status", equalTo("SUCCEEDED"));
    assertEquals(850, fixtures.balance(alice, "EUR"));
    assertEquals(350, fixtures.balance(bob, "EUR"));
    assertEquals(before, fixtures.balance(alice, "EUR") + fixtures.balance(bob, "EUR"));
    assertEquals(850, fixtures.entriesSum(aliceWallet));
    assertEquals(350, fixtures.entriesSum(bobWallet));
    assertEquals(List.of("transfer.sent"), fixtures.eventTypesForUser(alice));
    assertEquals(List.of("transfer.received"), fixtures.eventTypesForUser(bob));
    String id = sent.path("id");
    as(alice).get(TRANSFERS + "/" + id).then().statusCode(200).body("amountMinor", equalTo(150));
    as(bob).get(TRANSFERS + "/" + id).then().statusCode(200).body("fromUserId", equalTo(alice.toString()));
    var scored = FakeRisk.SCORED.stream().filter(r -> r.getRequestId().equals(id)).toList();
    assertEquals(1, scored.size());
    assertEquals(Channel.CHANNEL_P2P, scored.get(0).getChannel());
    assertEquals(bob.toString(), scored.get(0).getCounterpartyUserId());
  }

  @Test
  void aRecipientWithoutAWalletGetsOneOpened() {
    UUID alice = UUID.randomUUID();
    UUID carol = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 500);

    send(alice, carol, 125).then().statusCode(201);

    assertEquals(375, fixtures.balance(alice, "EUR"));
    assertEquals(125, fixtures.balance(carol, "EUR"));
    UUID carolWallet =
        UUID.fromString(fixtures.strings("select id::text from wallets where user_id = $1", carol).get(0));
    assertEquals(125, fixtures.entriesSum(carolWallet));
  }

  @Test
  void insufficientFundsWritesNothingButTheKeysStoredRefusal() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID aliceWallet = fixtures.fund(alice, "EUR", 100);
    String key = UUID.randomUUID().toString();

    Response refused = send(alice, key, aTransfer(bob, 300));

    refused.then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/insufficient-funds"))
        .body("reason", equalTo("INSUFFICIENT_FUNDS"));
    assertEquals(100, fixtures.balance(alice, "EUR"));
    assertEquals(100, fixtures.entriesSum(aliceWallet));
    assertNothingWrittenFor(alice, bob);
    assertEquals(
        List.of("DONE INSUFFICIENT_FUNDS"),
        fixtures.strings(
            "select state || ' ' || error_reason from idempotency_keys where caller = $1 and key = $2",
            "user:" + alice, key));
    Response again = send(alice, key, aTransfer(bob, 300));
    assertEquals(422, again.statusCode());
    assertEquals(refused.asString(), again.asString());
  }

  @Test
  void fiftyConcurrentTransfersNeverOverdrawTheSendersWallet() throws Exception {
    UUID alice = UUID.randomUUID();
    UUID aliceWallet = fixtures.fund(alice, "EUR", 1_000);
    List<UUID> recipients = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    int transfers = 50;
    long each = 30; // 50 × 30 = 1 500 asked for, 1 000 held: 33 can go through

    List<Response> answers =
        concurrently(transfers, i -> sendRetrying(alice, UUID.randomUUID().toString(), aTransfer(recipients.get(i % recipients.size()), each)));

    long succeeded = answers.stream().filter(r -> r.statusCode() == 201).count();
    for (Response answer : answers) {
      if (answer.statusCode() != 201) {
        assertEquals(422, answer.statusCode(), answer.asString());
        assertEquals("INSUFFICIENT_FUNDS", answer.path("reason"));
      }
    }
    long balance = fixtures.balance(alice, "EUR");
    assertEquals(33, succeeded);
    assertEquals(1_000 - succeeded * each, balance);
    assertTrue(balance >= 0);
    assertEquals(balance, fixtures.entriesSum(aliceWallet));
    long received = recipients.stream().mapToLong(r -> fixtures.balance(r, "EUR")).sum();
    assertEquals(1_000, balance + received);
    assertEquals(succeeded, fixtures.longValue("select count(*) from transfers where sender_id = $1", alice));
  }

  @Test
  void transfersCrossingEachOtherAllGoThrough() throws Exception {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID aliceWallet = fixtures.fund(alice, "EUR", 1_000);
    UUID bobWallet = fixtures.fund(bob, "EUR", 1_000);

    List<Response> answers =
        concurrently(
            40,
            i -> i % 2 == 0
                ? sendRetrying(alice, UUID.randomUUID().toString(), aTransfer(bob, 10))
                : sendRetrying(bob, UUID.randomUUID().toString(), aTransfer(alice, 10)));

    answers.forEach(a -> assertEquals(201, a.statusCode(), a.asString()));
    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertEquals(1_000, fixtures.balance(bob, "EUR"));
    assertEquals(1_000, fixtures.entriesSum(aliceWallet));
    assertEquals(1_000, fixtures.entriesSum(bobWallet));
  }

  @Test
  void recipientWalletMaximumRefusesTheWholeTransfer() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    fixtures.fund(bob, "EUR", 14_900); // tier 0 holds at most 15 000

    send(alice, bob, 150).then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("reason", equalTo("RECIPIENT_LIMIT_EXCEEDED"));

    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertEquals(14_900, fixtures.balance(bob, "EUR"));
    assertNothingWrittenFor(alice, bob);
    // The sender's spending counted in the rolled-back transaction is gone with it.
    assertEquals(0, fixtures.longValue("select count(*) from spend_counters where user_id = $1", alice));
  }

  @Test
  void sendersLimitsAreCounted() {
    UUID alice = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 10_000);

    send(alice, UUID.randomUUID(), 2_600).then() // tier 0: at most 2 500 per transaction
        .statusCode(422)
        .body("reason", equalTo("LIMIT_EXCEEDED"))
        .body("detail", org.hamcrest.Matchers.containsString("KYC_PER_TRANSACTION"));
    send(alice, UUID.randomUUID(), 150).then().statusCode(201);

    assertEquals(
        List.of(150L),
        fixtures.strings("select spent_minor::text from spend_counters where user_id = $1 and period = 'D'", alice)
            .stream().map(Long::valueOf).toList());
  }

  // ------------------------------------------------------------------------------------------
  // Risk and security level
  // ------------------------------------------------------------------------------------------

  @Test
  void riskChallengeAsksForAStepUpAndMovesNothing() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    FakeRisk.verdict(alice, Verdict.VERDICT_CHALLENGE);

    send(alice, bob, 100).then().statusCode(422).body("reason", equalTo("STEP_UP_REQUIRED"));

    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertNothingWrittenFor(alice, bob);
  }

  @Test
  void senderWhoAlwaysWantsStepUpIsAskedForIt() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    FakeAuth.user(alice, UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_ALWAYS, null, "UTC");

    send(alice, bob, 100).then().statusCode(422).body("reason", equalTo("STEP_UP_REQUIRED"));

    assertEquals(1_000, fixtures.balance(alice, "EUR"));
  }

  @Test
  void riskDenialRefusesTheTransfer() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    FakeRisk.verdict(alice, Verdict.VERDICT_DENY);

    send(alice, bob, 100).then().statusCode(403).contentType(PROBLEM).body("reason", equalTo("RISK_DENIED"));

    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertNothingWrittenFor(alice, bob);
  }

  @Test
  void aLockedRecipientCannotBePaid() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    FakeAuth.user(bob, UserStatus.USER_STATUS_LOCKED, SecurityLevel.SECURITY_LEVEL_STANDARD, null, "UTC");

    send(alice, bob, 100).then().statusCode(422).body("reason", equalTo("RECIPIENT_NOT_ACTIVE"));

    assertEquals(1_000, fixtures.balance(alice, "EUR"));
  }

  // ------------------------------------------------------------------------------------------
  // Idempotency, callers and input
  // ------------------------------------------------------------------------------------------

  @Test
  void sameKeyReplaysTheTransferAndADifferentBodyIsRefused() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    String key = UUID.randomUUID().toString();

    Response first = send(alice, key, aTransfer(bob, 100));
    Response replay = send(alice, key, aTransfer(bob, 100));
    Response reused = send(alice, key, aTransfer(bob, 101));

    assertEquals(201, first.statusCode());
    assertEquals(201, replay.statusCode());
    assertEquals(first.asString(), replay.asString());
    reused.then().statusCode(422).body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));
    assertEquals(900, fixtures.balance(alice, "EUR"));
    assertEquals(100, fixtures.balance(bob, "EUR"));
  }

  @Test
  void concurrentRequestsWithOneKeySendOnce() throws Exception {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    String key = UUID.randomUUID().toString();

    List<Response> answers = concurrently(10, i -> sendRetrying(alice, key, aTransfer(bob, 100)));

    List<String> bodies = new ArrayList<>();
    for (Response answer : answers) {
      if (answer.statusCode() == 201) {
        bodies.add(answer.asString());
      } else {
        assertEquals(409, answer.statusCode(), answer.asString());
        assertEquals("IDEMPOTENCY_KEY_IN_USE", answer.path("reason"));
      }
    }
    assertEquals(1, bodies.stream().distinct().count());
    assertEquals(900, fixtures.balance(alice, "EUR"));
    assertEquals(1, fixtures.longValue("select count(*) from transfers where sender_id = $1", alice));
  }

  @Test
  void onlyTheSenderAndTheRecipientSeeATransfer() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    String id = send(alice, bob, 100).path("id");

    as(UUID.randomUUID()).get(TRANSFERS + "/" + id).then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("reason", equalTo("TRANSFER_NOT_FOUND"));
    as(alice).get(TRANSFERS + "/" + UUID.randomUUID()).then().statusCode(404);
    as(alice).get(TRANSFERS + "/xyz").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
    given().get(TRANSFERS + "/" + id).then().statusCode(401).contentType(PROBLEM);
  }

  @Test
  void badInputIsRefusedWithItsReason() {
    UUID alice = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    UUID bob = UUID.randomUUID();
    as(alice).contentType("application/json").body(aTransfer(bob, 100)).post(TRANSFERS)
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    assertBad(alice, aTransfer(alice, 100), "SELF_TRANSFER");
    assertBad(alice, with(aTransfer(bob, 100), "toUserId", "bob"), "INVALID_ID");
    assertBad(alice, with(aTransfer(bob, 100), "toUserId", null), "MISSING_FIELD");
    assertBad(alice, aTransfer(bob, 0), "INVALID_AMOUNT");
    assertBad(alice, with(aTransfer(bob, 100), "amountMinor", 10.25), "INVALID_AMOUNT");
    assertBad(alice, with(aTransfer(bob, 100), "currency", "EURO"), "INVALID_CURRENCY");
    assertBad(alice, with(aTransfer(bob, 100), "note", "x".repeat(141)), "FIELD_TOO_LONG");
    given().header("Idempotency-Key", "k").contentType("application/json").body(aTransfer(bob, 100)).post(TRANSFERS)
        .then().statusCode(401).contentType(PROBLEM);
    assertEquals(1_000, fixtures.balance(alice, "EUR"));
  }

  // ------------------------------------------------------------------------------------------

  private void assertNothingWrittenFor(UUID sender, UUID recipient) {
    assertEquals(0, fixtures.longValue("select count(*) from transfers where sender_id = $1", sender));
    assertEquals(0, fixtures.longValue("select count(*) from postings p join entries e on e.posting_id = p.id"
        + " join wallets w on w.id = e.account_id where p.kind = 'TRANSFER' and w.user_id in ($1, $2)", sender, recipient));
    assertEquals(List.of(), fixtures.eventTypesForUser(sender));
    assertEquals(List.of(), fixtures.eventTypesForUser(recipient));
  }

  private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
    body.put(field, value);
    return body;
  }

  private static void assertBad(UUID user, Map<String, Object> body, String reason) {
    send(user, UUID.randomUUID().toString(), body).then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo(reason));
  }

  interface Call {
    Response run(int i);
  }

  /** Runs {@code n} calls at once (released together) and returns every answer. */
  static List<Response> concurrently(int n, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.run(index);
                }));
      }
      start.countDown();
      List<Response> answers = new ArrayList<>();
      for (Future<Response> future : futures) {
        answers.add(future.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
