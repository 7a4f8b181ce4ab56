package io.farthing.payments.paymentrequest;

import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.CreatePaymentRequestRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.GetPaymentRequestRequest;
import io.farthing.proto.payments.v1.PaymentRequest;
import io.farthing.proto.payments.v1.PaymentRequestStatus;
import io.farthing.proto.payments.v1.PaymentRequestUsage;
import io.farthing.proto.payments.v1.PaymentRequestsGrpc;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The payer's side: preview and pay, with every refusal and the single-use race. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class PaymentRequestPayTest {
  @GrpcClient("payments")
  PaymentRequestsGrpc.PaymentRequestsBlockingStub requestsPlain;

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub paymentsPlain;

  @Inject Fixtures fixtures;
  @Inject ChargeService chargeService;
  @Inject Pool pool;

  static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  PaymentRequest aRequest(String partner, long minor, PaymentRequestUsage usage) {
    return withToken(requestsPlain, TestTokens.client(partner, "payments:charge"))
        .createPaymentRequest(
            CreatePaymentRequestRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setAmount(eur(minor))
                .setDescription("Flat white")
                .setReference("till-3")
                .setUsage(usage)
                .build());
  }

  PaymentRequest aSingleUse(String partner, long minor) {
    return aRequest(partner, minor, PaymentRequestUsage.PAYMENT_REQUEST_USAGE_SINGLE_USE);
  }

  PaymentRequest current(String partner, PaymentRequest request) {
    return withToken(requestsPlain, TestTokens.client(partner, "payments:read"))
        .getPaymentRequest(GetPaymentRequestRequest.newBuilder().setPaymentRequestId(request.getPaymentRequestId()).build());
  }

  Charge partnersView(String partner, String chargeId) {
    return withToken(paymentsPlain, TestTokens.client(partner, "payments:read"))
        .getCharge(GetChargeRequest.newBuilder().setChargeId(chargeId).build());
  }

  static Response pay(UUID user, String key, String payload) {
    return given()
        .auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", key)
        .contentType(ContentType.JSON)
        .body(Map.of("payload", payload))
        .when()
        .post("/v1/payment-requests/pay");
  }

  static Response pay(UUID user, String payload) {
    return pay(user, UUID.randomUUID().toString(), payload);
  }

  long chargesOf(UUID user) {
    return fixtures.longValue("select count(*) from charges where user_id = $1", user);
  }

  // ------------------------------------------------------------------------------------------
  // Paying
  // ------------------------------------------------------------------------------------------

  @Test
  void payingMovesTheMoneyThroughTheChargePathAndUsesTheRequestUp() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);

    String chargeId =
        pay(user, request.getPayload())
            .then().statusCode(200)
            .body("status", equalTo("SUCCEEDED"))
            .body("amount.amountMinor", equalTo(100))
            .body("amount.currency", equalTo("EUR"))
            .body("description", equalTo("Flat white"))
            .body("merchantName", equalTo("Shop " + partner))
            .body("paymentRequestId", equalTo(request.getPaymentRequestId()))
            .body("challengeId", nullValue())
            .extract().path("chargeId");

    assertEquals(900, fixtures.balance(user, "EUR"));
    assertEquals(900, fixtures.entriesSum(wallet));
    // 2 fixed + 2.5 % of 100, rounded half up: 5
    assertEquals(95, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(List.of("charge.succeeded"), fixtures.eventsOf(chargeId));
    Charge charge = partnersView(partner, chargeId);
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge.getStatus());
    assertEquals(user.toString(), charge.getUserId());
    assertEquals(request.getPaymentRequestId(), charge.getMetadataMap().get("payment_request_id"));
    assertEquals("SINGLE_USE", charge.getMetadataMap().get("payment_request_usage"));
    assertEquals("till-3", charge.getMetadataMap().get("payment_request_reference"));
    assertEquals("", charge.getConsentId(), "the user paid in person: no consent involved");
    PaymentRequest after = current(partner, request);
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_PAID, after.getStatus());
    assertEquals(chargeId, after.getChargeId());
    assertEquals(1, after.getPaymentCount());
  }

  @Test
  void theLinkPaysAsWellAsThePayload() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 500);
    PaymentRequest request = aSingleUse(partner, 120);

    pay(user, request.getUrl()).then().statusCode(200).body("status", equalTo("SUCCEEDED"));

    assertEquals(380, fixtures.balance(user, "EUR"));
  }

  @Test
  void aReusableRequestIsPaidByEveryoneEachWithItsOwnCharge() {
    String partner = fixtures.aMerchant();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    fixtures.fund(first, "EUR", 1_000);
    fixtures.fund(second, "EUR", 1_000);
    PaymentRequest till = aRequest(partner, 200, PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE);

    String a = pay(first, till.getPayload()).then().statusCode(200).extract().path("chargeId");
    String b = pay(second, till.getPayload()).then().statusCode(200).extract().path("chargeId");
    String c = pay(first, till.getPayload()).then().statusCode(200).extract().path("chargeId");

    assertEquals(3, List.of(a, b, c).stream().distinct().count());
    assertEquals(600, fixtures.balance(first, "EUR"));
    assertEquals(800, fixtures.balance(second, "EUR"));
    PaymentRequest after = current(partner, till);
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_OPEN, after.getStatus());
    assertEquals(3, after.getPaymentCount());
    assertEquals(c, after.getChargeId());
  }

  @Test
  void theSameIdempotencyKeyAnswersTheSameChargeAndChargesOnce() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    PaymentRequest single = aSingleUse(partner, 100);
    PaymentRequest reusable = aRequest(partner, 100, PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE);
    String key = UUID.randomUUID().toString();
    String reusableKey = UUID.randomUUID().toString();

    String first = pay(user, key, single.getPayload()).then().statusCode(200).extract().path("chargeId");
    String again = pay(user, key, single.getPayload()).then().statusCode(200).extract().path("chargeId");
    String onReusable = pay(user, reusableKey, reusable.getPayload()).then().statusCode(200).extract().path("chargeId");
    String onReusableAgain = pay(user, reusableKey, reusable.getPayload()).then().statusCode(200).extract().path("chargeId");
    // Still the same answer once the merchant has cancelled the request.
    withToken(requestsPlain, TestTokens.client(partner, "payments:charge"))
        .cancelPaymentRequest(
            io.farthing.proto.payments.v1.CancelPaymentRequestRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setPaymentRequestId(reusable.getPaymentRequestId())
                .build());
    String afterCancel = pay(user, reusableKey, reusable.getPayload()).then().statusCode(200).extract().path("chargeId");

    assertEquals(first, again);
    assertEquals(onReusable, onReusableAgain);
    assertEquals(onReusable, afterCancel);
    assertEquals(800, fixtures.balance(user, "EUR"));
    assertEquals(2, chargesOf(user));
    // The same key for another request is a different request.
    pay(user, key, reusable.getPayload()).then().statusCode(422).body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));
  }

  @Test
  void aRefusedChargeDoesNotUseTheRequestUp() {
    String partner = fixtures.aMerchant();
    UUID poor = UUID.randomUUID();
    UUID denied = UUID.randomUUID();
    UUID payer = UUID.randomUUID();
    fixtures.fund(poor, "EUR", 50);
    fixtures.fund(denied, "EUR", 1_000);
    fixtures.fund(payer, "EUR", 1_000);
    FakeAuth.user(denied, UserStatus.USER_STATUS_LOCKED, SecurityLevel.SECURITY_LEVEL_STANDARD, null, "UTC");
    PaymentRequest request = aSingleUse(partner, 100);
    String poorKey = UUID.randomUUID().toString();

    pay(poor, poorKey, request.getPayload())
        .then().statusCode(422).contentType("application/problem+json").body("reason", equalTo("INSUFFICIENT_FUNDS"));
    pay(denied, request.getPayload()).then().statusCode(403).body("reason", equalTo("USER_NOT_ACTIVE"));
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_OPEN, current(partner, request).getStatus());

    pay(payer, request.getPayload()).then().statusCode(200).body("status", equalTo("SUCCEEDED"));

    assertEquals(50, fixtures.balance(poor, "EUR"));
    assertEquals(1_000, fixtures.balance(denied, "EUR"));
    assertEquals(900, fixtures.balance(payer, "EUR"));
    // The refused attempt's key still answers its refusal, now that the request is paid.
    pay(poor, poorKey, request.getPayload()).then().statusCode(422).body("reason", equalTo("INSUFFICIENT_FUNDS"));
  }

  @Test
  void aChallengedPaymentWaitsForStepUpAndHoldsTheRequestUntilItIsAnswered() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    fixtures.fund(other, "EUR", 1_000);
    // The user's own security level asks for step-up on every payment, whatever risk-svc says.
    FakeAuth.user(user, UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_ALWAYS, null, "UTC");
    PaymentRequest request = aSingleUse(partner, 100);

    Response waiting = pay(user, request.getPayload());
    waiting.then().statusCode(200).body("status", equalTo("REQUIRES_ACTION")).body("challengeId", notNullValue());
    String chargeId = waiting.path("chargeId");

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_PENDING, current(partner, request).getStatus());
    pay(other, request.getPayload()).then().statusCode(422).body("reason", equalTo("PAYMENT_REQUEST_PENDING"));
    given().auth().oauth2(TestTokens.user(other, "user"))
        .when().get("/v1/payment-requests/" + request.getPaymentRequestId())
        .then().statusCode(200).body("status", equalTo("PENDING")).body("payable", equalTo(false));

    Charge confirmed =
        withToken(paymentsPlain, TestTokens.client(partner, "payments:charge"))
            .confirmCharge(
                ConfirmChargeRequest.newBuilder()
                    .setIdempotencyKey(UUID.randomUUID().toString())
                    .setChargeId(chargeId)
                    .setStepUpToken(FakeAuth.stepUpToken(user, "charge:" + chargeId))
                    .build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, confirmed.getStatus());
    assertEquals(900, fixtures.balance(user, "EUR"));
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_PAID, current(partner, request).getStatus());
    assertEquals(List.of("charge.requires_action", "charge.succeeded"), fixtures.eventsOf(chargeId));
  }

  @Test
  void anUnansweredChallengeFreesTheRequestForTheNextPayer() {
    String partner = fixtures.aMerchant();
    UUID hesitant = UUID.randomUUID();
    UUID payer = UUID.randomUUID();
    fixtures.fund(hesitant, "EUR", 1_000);
    fixtures.fund(payer, "EUR", 1_000);
    FakeAuth.user(hesitant, UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_ALWAYS, null, "UTC");
    PaymentRequest request = aSingleUse(partner, 100);
    String chargeId = pay(hesitant, request.getPayload()).then().statusCode(200).extract().path("chargeId");

    fixtures.update("update charges set hold_expires_at = now() - interval '1 second' where id = $1", UUID.fromString(chargeId));
    chargeService.expireDue(100).await().atMost(Duration.ofSeconds(10));

    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_OPEN, current(partner, request).getStatus());
    pay(payer, request.getPayload()).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
    assertEquals(900, fixtures.balance(payer, "EUR"));
    assertEquals(1_000, fixtures.balance(hesitant, "EUR"));
  }

  // ------------------------------------------------------------------------------------------
  // Refusals
  // ------------------------------------------------------------------------------------------

  @Test
  void aTamperedPayloadIsRefusedAndNothingIsCharged() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);
    String payload = request.getPayload();
    int inBody = "farthing:pr1.".length() + 10;
    String tampered = payload.substring(0, inBody) + (payload.charAt(inBody) == 'A' ? 'B' : 'A') + payload.substring(inBody + 1);
    String forged = payload.substring(0, payload.lastIndexOf('.') + 1) + "A".repeat(43);

    for (String bad : List.of(tampered, forged, "farthing:pr1.garbage", "hello", request.getPaymentRequestId())) {
      pay(user, bad)
          .then().statusCode(400).contentType("application/problem+json")
          .body("reason", equalTo("INVALID_PAYMENT_REQUEST"))
          .body("type", equalTo("https://problems.farthing.io/invalid-payment-request"));
      given().auth().oauth2(TestTokens.user(user, "user")).when().get("/v1/payment-requests/" + bad)
          .then().statusCode(bad.equals(request.getPaymentRequestId()) ? 200 : 400);
    }
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, chargesOf(user));
  }

  @Test
  void anExpiredRequestIsRefused() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);
    fixtures.update(
        "update payment_requests set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second'"
            + " where id = $1",
        UUID.fromString(request.getPaymentRequestId()));

    pay(user, request.getPayload()).then().statusCode(422).body("reason", equalTo("PAYMENT_REQUEST_EXPIRED"));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, chargesOf(user));
    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_EXPIRED, current(partner, request).getStatus());
  }

  @Test
  void aCancelledRequestIsRefused() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    PaymentRequest request = aRequest(partner, 100, PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE);
    withToken(requestsPlain, TestTokens.client(partner, "payments:charge"))
        .cancelPaymentRequest(
            io.farthing.proto.payments.v1.CancelPaymentRequestRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setPaymentRequestId(request.getPaymentRequestId())
                .build());

    pay(user, request.getPayload()).then().statusCode(422).body("reason", equalTo("PAYMENT_REQUEST_CANCELLED"));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, chargesOf(user));
  }

  @Test
  void aPaidSingleUseRequestIsRefusedToTheNextPayerAndCannotBeCancelled() {
    String partner = fixtures.aMerchant();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    fixtures.fund(first, "EUR", 1_000);
    fixtures.fund(second, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);
    pay(first, request.getPayload()).then().statusCode(200);

    pay(second, request.getPayload()).then().statusCode(422).body("reason", equalTo("PAYMENT_REQUEST_ALREADY_PAID"));
    pay(first, request.getPayload()).then().statusCode(422).body("reason", equalTo("PAYMENT_REQUEST_ALREADY_PAID"));

    assertEquals(1_000, fixtures.balance(second, "EUR"));
    assertEquals(900, fixtures.balance(first, "EUR"));
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.grpc.StatusRuntimeException.class,
            () ->
                withToken(requestsPlain, TestTokens.client(partner, "payments:charge"))
                    .cancelPaymentRequest(
                        io.farthing.proto.payments.v1.CancelPaymentRequestRequest.newBuilder()
                            .setIdempotencyKey(UUID.randomUUID().toString())
                            .setPaymentRequestId(request.getPaymentRequestId())
                            .build()));
    assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, io.farthing.testing.Grpc.code(e));
    assertEquals("PAYMENT_REQUEST_ALREADY_PAID", io.farthing.testing.Grpc.reason(e));
  }

  @Test
  void payingNeedsAUserTokenAndAnIdempotencyKey() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);
    Map<String, String> body = Map.of("payload", request.getPayload());

    given().auth().oauth2(TestTokens.user(user, "user")).contentType(ContentType.JSON).body(body)
        .when().post("/v1/payment-requests/pay")
        .then().statusCode(400).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    given().auth().oauth2(TestTokens.user(user, "user")).header("Idempotency-Key", "two words")
        .contentType(ContentType.JSON).body(body)
        .when().post("/v1/payment-requests/pay")
        .then().statusCode(400).body("reason", equalTo("INVALID_IDEMPOTENCY_KEY"));
    given().auth().oauth2(TestTokens.user(user, "user")).header("Idempotency-Key", "k")
        .contentType(ContentType.JSON).body("{}")
        .when().post("/v1/payment-requests/pay")
        .then().statusCode(400).body("reason", equalTo("VALIDATION_FAILED"));
    given().auth().oauth2(TestTokens.client(partner, "payments:charge")).header("Idempotency-Key", "k")
        .contentType(ContentType.JSON).body(body)
        .when().post("/v1/payment-requests/pay")
        .then().statusCode(403).body("reason", equalTo("FORBIDDEN"));
    given().header("Idempotency-Key", "k").contentType(ContentType.JSON).body(body)
        .when().post("/v1/payment-requests/pay")
        .then().statusCode(401);
    given().auth().oauth2(TestTokens.client(partner, "payments:read"))
        .when().get("/v1/payment-requests/" + request.getPayload())
        .then().statusCode(403);

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, chargesOf(user));
  }

  // ------------------------------------------------------------------------------------------
  // Preview
  // ------------------------------------------------------------------------------------------

  @Test
  void thePayerPreviewsARequestByPayloadOrIdWithoutItsSecrets() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    PaymentRequest request = aSingleUse(partner, 250);
    String token = TestTokens.user(user, "user");

    for (String key : List.of(request.getPayload(), request.getPaymentRequestId())) {
      given().auth().oauth2(token).when().get("/v1/payment-requests/" + key)
          .then().statusCode(200)
          .body("paymentRequestId", equalTo(request.getPaymentRequestId()))
          .body("merchantName", equalTo("Shop " + partner))
          .body("amount.amountMinor", equalTo(250))
          .body("amount.currency", equalTo("EUR"))
          .body("description", equalTo("Flat white"))
          .body("reference", equalTo("till-3"))
          .body("usage", equalTo("SINGLE_USE"))
          .body("status", equalTo("OPEN"))
          .body("payable", equalTo(true))
          .body("expiresAt", notNullValue())
          .body("partnerClientId", nullValue())
          .body("payload", nullValue());
    }
    given().auth().oauth2(token).when().get("/v1/payment-requests/" + UUID.randomUUID())
        .then().statusCode(404).body("reason", equalTo("PAYMENT_REQUEST_NOT_FOUND"));
  }

  // ------------------------------------------------------------------------------------------
  // Single use under concurrency
  // ------------------------------------------------------------------------------------------

  @Test
  void manyPayersAtOnceOnlyOnePays() throws Exception {
    String partner = fixtures.aMerchant();
    PaymentRequest request = aSingleUse(partner, 100);
    int payers = 8;
    List<UUID> users = new ArrayList<>();
    for (int i = 0; i < payers; i++) {
      UUID user = UUID.randomUUID();
      fixtures.fund(user, "EUR", 1_000);
      users.add(user);
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(payers);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (UUID user : users) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return pay(user, request.getPayload());
                }));
      }
      start.countDown();
      int paid = 0;
      UUID winner = null;
      for (int i = 0; i < payers; i++) {
        Response answer = answers.get(i).get(60, TimeUnit.SECONDS);
        if (answer.statusCode() == 200) {
          paid++;
          winner = users.get(i);
          assertEquals("SUCCEEDED", answer.path("status"));
        } else {
          assertEquals(422, answer.statusCode(), answer.asString());
          assertEquals("PAYMENT_REQUEST_ALREADY_PAID", answer.path("reason"));
        }
      }
      assertEquals(1, paid);
      for (UUID user : users) {
        assertEquals(user.equals(winner) ? 900 : 1_000, fixtures.balance(user, "EUR"));
        assertEquals(user.equals(winner) ? 1 : 0, chargesOf(user));
      }
      assertEquals(95, fixtures.merchantBalance(partner, "EUR"));
      assertEquals(1, current(partner, request).getPaymentCount());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The checks before the charge cannot see a payment that has not committed yet: the unique
   * index is what stops the second payer. The loser is held inside its money transaction (its
   * wallet row locked by the test) until the winner has committed, then it must fail whole.
   */
  @Test
  void theLoserOfARaceIsStoppedInsideItsMoneyTransactionAndItsDebitRollsBack() throws Exception {
    String partner = fixtures.aMerchant();
    UUID loser = UUID.randomUUID();
    UUID winner = UUID.randomUUID();
    UUID loserWallet = fixtures.fund(loser, "EUR", 1_000);
    fixtures.fund(winner, "EUR", 1_000);
    PaymentRequest request = aSingleUse(partner, 100);

    SqlConnection lock = pool.getConnection().await().atMost(Duration.ofSeconds(10));
    CompletableFuture<Response> loserAnswer;
    try {
      lock.query("begin").execute().await().atMost(Duration.ofSeconds(10));
      lock.preparedQuery("select 1 from wallets where id = $1 for update")
          .execute(Tuple.of(loserWallet)).await().atMost(Duration.ofSeconds(10));
      loserAnswer = CompletableFuture.supplyAsync(() -> pay(loser, request.getPayload()));
      awaitBlockedOnWallet();

      pay(winner, request.getPayload()).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
    } finally {
      lock.query("rollback").execute().await().atMost(Duration.ofSeconds(10));
      lock.close().await().atMost(Duration.ofSeconds(10));
    }

    Response answer = loserAnswer.get(30, TimeUnit.SECONDS);
    assertEquals(422, answer.statusCode(), answer.asString());
    assertEquals("PAYMENT_REQUEST_ALREADY_PAID", answer.path("reason"));
    assertTrue(FakeRisk.SCORED.stream().anyMatch(s -> s.getUserId().equals(loser.toString())), "the loser passed the checks");
    assertEquals(1_000, fixtures.balance(loser, "EUR"));
    assertEquals(1_000, fixtures.entriesSum(loserWallet));
    assertEquals(0, chargesOf(loser));
    assertEquals(900, fixtures.balance(winner, "EUR"));
    assertEquals(95, fixtures.merchantBalance(partner, "EUR"));
    assertFalse(
        fixtures.longValue("select count(*) from idempotency_keys where caller = $1", "user:" + loser) > 0,
        "the loser's key is released, so a retry is answered afresh");
  }

  private void awaitBlockedOnWallet() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      long waiting =
          fixtures.longValue(
              "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
                  + " and query like 'update wallets%'");
      if (waiting > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the loser's payment never reached its wallet debit");
  }
}
