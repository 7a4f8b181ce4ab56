package io.farthing.payments.dispute;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.client.RiskOutcomes;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.FakeRisk;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.payments.support.Race;
import io.farthing.proto.payments.v1.AcceptDisputeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.DisputesGrpc;
import io.farthing.proto.payments.v1.GetDisputeRequest;
import io.farthing.proto.payments.v1.ListDisputesRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.SubmitEvidenceRequest;
import io.farthing.proto.risk.v1.Outcome;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class DisputeTest {
  static final String PROBLEM = "application/problem+json";

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub payments;

  @GrpcClient("payments")
  DisputesGrpc.DisputesBlockingStub disputesStub;

  @Inject Fixtures fixtures;
  @Inject DisputeService service;
  @Inject RiskOutcomes outcomes;

  @AfterEach
  void riskBackUp() {
    FakeRisk.REPORTS_UNAVAILABLE.set(false);
  }

  PaymentsGrpc.PaymentsBlockingStub as(String partner) {
    return withToken(payments, TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read"));
  }

  DisputesGrpc.DisputesBlockingStub merchant(String partner) {
    return withToken(disputesStub, TestTokens.client(partner, "payments:refund", "payments:read"));
  }

  static Response dispute(UUID user, String chargeId, String key, Map<String, Object> body) {
    return given().auth().oauth2(TestTokens.user(user, "user")).header("Idempotency-Key", key)
        .contentType(ContentType.JSON).body(body).post("/v1/charges/" + chargeId + "/disputes");
  }

  static Response dispute(UUID user, String chargeId) {
    return dispute(user, chargeId, UUID.randomUUID().toString(), Map.of("reason", "NOT_RECEIVED", "note", "never came"));
  }

  static Response resolve(String disputeId, String outcome) {
    return given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user", "support"))
        .contentType(ContentType.JSON).body(Map.of("outcome", outcome, "note", "checked the logs"))
        .post("/admin/v1/disputes/" + disputeId + "/resolve");
  }

  // ---------------------------------------------------------------------------------------------
  // Opening
  // ---------------------------------------------------------------------------------------------

  @Test
  void anOpenDisputeWaitsForTheMerchantsEvidenceAndMovesNoMoney() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    long merchantBefore = fixtures.merchantBalance(partner, "EUR");

    Response opened = dispute(user, charge.getChargeId());

    opened.then().statusCode(201)
        .body("status", equalTo("OPEN"))
        .body("reason", equalTo("NOT_RECEIVED"))
        .body("amountMinor", equalTo(400))
        .body("refundedMinor", equalTo(0))
        .body("resolution", nullValue());
    String id = opened.path("id");
    assertEquals("/v1/disputes/" + id, java.net.URI.create(opened.header("Location")).getPath());
    Instant due = Instant.parse(opened.path("evidenceDueAt"));
    assertTrue(Duration.between(Instant.now(), due).compareTo(Duration.ofDays(6)) > 0, due.toString());
    assertEquals(600, fixtures.balance(user, "EUR"));
    assertEquals(merchantBefore, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(List.of("dispute.opened"), events(id));
    assertEquals("NOT_RECEIVED", fixtures.strings(
        "select data->>'reason' from outbox where ordering_key = $1", "dispute:" + id).get(0));

    var seen = merchant(partner).getDispute(GetDisputeRequest.newBuilder().setDisputeId(id).build());
    assertEquals(io.farthing.proto.payments.v1.DisputeStatus.DISPUTE_STATUS_OPEN, seen.getStatus());
    assertEquals(400, seen.getAmount().getAmountMinor());
    assertEquals("never came", seen.getUserNote());
    given().auth().oauth2(TestTokens.user(user, "user")).get("/v1/disputes/" + id).then()
        .statusCode(200).body("status", equalTo("OPEN")).body("evidenceCount", equalTo(0));
  }

  @Test
  void aDisputeBelowTheInstantAmountIsRefundedAtOnceWithoutReview() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 60).build());

    Response opened = dispute(user, charge.getChargeId());

    opened.then().statusCode(201)
        .body("status", equalTo("LOST"))
        .body("resolution", equalTo("INSTANT_REFUND"))
        .body("refundedMinor", equalTo(60));
    String id = opened.path("id");
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(feesBefore, fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR"));
    assertEquals(List.of("charge.succeeded", "charge.refunded"), fixtures.eventsOf(charge.getChargeId()));
    assertEquals(List.of("dispute"), fixtures.strings(
        "select data->>'reason' from outbox where ordering_key = $1 and type = 'charge.refunded'",
        "charge:" + charge.getChargeId()));
    assertEquals(List.of("dispute.resolved"), events(id));
    awaitReported(decisionOf(charge), Outcome.OUTCOME_DISPUTE_LOST);
  }

  @Test
  void aChargeCanBeDisputedOnceEvenByRacingRequests() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 50).build());

    List<Callable<?>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> dispute(user, charge.getChargeId()).statusCode());
    }
    List<Object> answers = Race.run(calls);

    assertEquals(1, answers.stream().filter(a -> Integer.valueOf(201).equals(a)).count(), answers.toString());
    assertEquals(7, answers.stream().filter(a -> Integer.valueOf(409).equals(a)).count(), answers.toString());
    assertEquals(1, fixtures.longValue("select count(*) from disputes where charge_id = $1", id(charge)));
    assertEquals(1, refunds(charge));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    dispute(user, charge.getChargeId()).then().statusCode(409).contentType(PROBLEM)
        .body("reason", equalTo("DISPUTE_EXISTS"));
  }

  @Test
  void aRetryWithTheSameKeyAnswersTheFirstResponseAndOpensNothingMore() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 70).build());
    String key = UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("reason", "DUPLICATE");

    byte[] first = dispute(user, charge.getChargeId(), key, body).then().statusCode(201).extract().asByteArray();
    byte[] again = dispute(user, charge.getChargeId(), key, body).then().statusCode(201).extract().asByteArray();

    assertArrayEquals(first, again);
    assertEquals(1, refunds(charge));
    dispute(user, charge.getChargeId(), key, Map.of("reason", "OTHER")).then().statusCode(422)
        .body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));
  }

  @Test
  void onlyACapturedChargeWithMoneyLeftCanBeDisputed() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge held = as(partner).createCharge(aCharge(user, 300).setCaptureLater(true).build());
    Charge refunded = as(partner).createCharge(aCharge(user, 200).build());
    as(partner).refundCharge(refund(refunded, 200));

    dispute(user, held.getChargeId()).then().statusCode(422).contentType(PROBLEM)
        .body("reason", equalTo("CHARGE_INVALID_STATE"));
    dispute(user, refunded.getChargeId()).then().statusCode(422).body("reason", equalTo("CHARGE_INVALID_STATE"));

    assertEquals(700, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from disputes where user_id = $1", user));
  }

  @Test
  void badInputIsRefusedCleanlyAndLeavesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String c = charge.getChargeId();
    String key = UUID.randomUUID().toString();

    dispute(user, "not-an-id", key, Map.of("reason", "OTHER")).then().statusCode(400).contentType(PROBLEM)
        .body("reason", equalTo("INVALID_ID"));
    dispute(user, c, key, Map.of("note", "no reason")).then().statusCode(400).body("reason", equalTo("MISSING_FIELD"));
    dispute(user, c, key, Map.of("reason", "BORED")).then().statusCode(400)
        .body("reason", equalTo("INVALID_REASON")).body("type", equalTo("https://problems.farthing.io/invalid-reason"));
    dispute(user, c, key, Map.of("reason", "OTHER", "note", "x".repeat(2001))).then().statusCode(400)
        .body("reason", equalTo("FIELD_TOO_LONG"));
    given().auth().oauth2(TestTokens.user(user, "user")).contentType(ContentType.JSON).body(Map.of("reason", "OTHER"))
        .post("/v1/charges/" + c + "/disputes").then().statusCode(400).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    dispute(UUID.randomUUID(), c).then().statusCode(404).body("reason", equalTo("CHARGE_NOT_FOUND"));
    given().contentType(ContentType.JSON).body(Map.of("reason", "OTHER")).post("/v1/charges/" + c + "/disputes")
        .then().statusCode(401);
    given().auth().oauth2(TestTokens.user(user, "user")).get("/v1/disputes/" + UUID.randomUUID()).then()
        .statusCode(404).body("reason", equalTo("DISPUTE_NOT_FOUND"));
    given().auth().oauth2(TestTokens.user(user, "user")).queryParam("status", "MAYBE").get("/v1/disputes").then()
        .statusCode(400).body("reason", equalTo("INVALID_STATUS"));

    assertEquals(0, fixtures.longValue("select count(*) from disputes where charge_id = $1", id(charge)));
    assertEquals(700, fixtures.balance(user, "EUR"));
    // the same key still works for a good request: the refusals released it
    dispute(user, c, key, Map.of("reason", "OTHER")).then().statusCode(201);
  }

  // ---------------------------------------------------------------------------------------------
  // The merchant's side and support
  // ---------------------------------------------------------------------------------------------

  @Test
  void evidencePutsADisputeUnderReviewAndSupportCanDecideItForTheMerchant() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");

    var reviewed = merchant(partner).submitEvidence(evidence(id, "Delivered to the reader's account", "log-1", "log-2"));

    assertEquals(io.farthing.proto.payments.v1.DisputeStatus.DISPUTE_STATUS_UNDER_REVIEW, reviewed.getStatus());
    assertEquals(List.of("log-1", "log-2"), reviewed.getEvidence(0).getRefsList());
    given().auth().oauth2(TestTokens.user(user, "user")).get("/v1/disputes/" + id).then()
        .statusCode(200).body("status", equalTo("UNDER_REVIEW")).body("evidenceCount", equalTo(1))
        .body("evidence", nullValue());
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user", "support"))
        .queryParam("status", "UNDER_REVIEW").queryParam("partner", partner).get("/admin/v1/disputes").then()
        .statusCode(200).body("items[0].id", equalTo(id));

    resolve(id, "WON").then().statusCode(200)
        .body("status", equalTo("WON"))
        .body("resolution", equalTo("REVIEWED"))
        .body("refundedMinor", equalTo(0))
        .body("evidence[0].summary", equalTo("Delivered to the reader's account"));

    assertEquals(600, fixtures.balance(user, "EUR"));
    assertEquals(List.of("charge.succeeded"), fixtures.eventsOf(charge.getChargeId()));
    assertEquals(List.of("dispute.opened", "dispute.updated", "dispute.resolved"), events(id));
    awaitReported(decisionOf(charge), Outcome.OUTCOME_DISPUTE_WON);
    // decided: the same decision answers as it is, the other one is refused, and nothing moves
    resolve(id, "WON").then().statusCode(200).body("status", equalTo("WON"));
    resolve(id, "LOST").then().statusCode(422).contentType(PROBLEM).body("reason", equalTo("DISPUTE_RESOLVED"));
    StatusRuntimeException late =
        assertThrows(StatusRuntimeException.class, () -> merchant(partner).submitEvidence(evidence(id, "more")));
    assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
    assertEquals(600, fixtures.balance(user, "EUR"));
  }

  @Test
  void aLostDisputeRefundsWhatIsLeftAfterTheMerchantsOwnRefund() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");
    merchant(partner).submitEvidence(evidence(id, "Partly refunded already"));
    as(partner).refundCharge(refund(charge, 150));

    resolve(id, "LOST").then().statusCode(200)
        .body("status", equalTo("LOST"))
        .body("refundedMinor", equalTo(250));

    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(feesBefore, fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR"));
    assertEquals("REFUNDED", fixtures.strings("select status from charges where id = $1", id(charge)).get(0));
    awaitReported(decisionOf(charge), Outcome.OUTCOME_DISPUTE_LOST);
  }

  @Test
  void theMerchantAcceptingRefundsAtOnceAndAcceptingAgainAnswersAsItIs() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");

    var accepted = merchant(partner).acceptDispute(accept(id));
    var again = merchant(partner).acceptDispute(accept(id));

    assertEquals(io.farthing.proto.payments.v1.DisputeStatus.DISPUTE_STATUS_LOST, accepted.getStatus());
    assertEquals(
        io.farthing.proto.payments.v1.DisputeResolution.DISPUTE_RESOLUTION_MERCHANT_ACCEPTED, accepted.getResolution());
    assertEquals(300, accepted.getRefunded().getAmountMinor());
    assertEquals(accepted.getResolvedAt(), again.getResolvedAt());
    assertEquals(1, refunds(charge));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    var listed = merchant(partner).listDisputes(ListDisputesRequest.newBuilder()
        .setStatus(io.farthing.proto.payments.v1.DisputeStatus.DISPUTE_STATUS_LOST).build());
    assertEquals(List.of(id), listed.getDisputesList().stream().map(d -> d.getDisputeId()).toList());
  }

  @Test
  void anotherPartnersDisputeIsNotFoundAndItsBadInputIsRefused() {
    String partner = fixtures.aMerchant();
    String other = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");

    assertCode(Status.Code.NOT_FOUND, "DISPUTE_NOT_FOUND", () -> merchant(other).acceptDispute(accept(id)));
    assertCode(Status.Code.NOT_FOUND, "DISPUTE_NOT_FOUND",
        () -> merchant(other).getDispute(GetDisputeRequest.newBuilder().setDisputeId(id).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, "MISSING_FIELD", () -> merchant(partner).submitEvidence(evidence(id, "")));
    assertCode(Status.Code.INVALID_ARGUMENT, "INVALID_ID", () -> merchant(partner).acceptDispute(accept("nope")));
    assertCode(Status.Code.INVALID_ARGUMENT, "TOO_MANY_REFS",
        () -> merchant(partner).submitEvidence(evidence(id, "lots", new String[21])));
    assertCode(Status.Code.INVALID_ARGUMENT, "MISSING_IDEMPOTENCY_KEY",
        () -> merchant(partner).acceptDispute(AcceptDisputeRequest.newBuilder().setDisputeId(id).build()));
    assertCode(Status.Code.PERMISSION_DENIED, null,
        () -> withToken(disputesStub, TestTokens.client(partner, "payments:read")).acceptDispute(accept(id)));
    given().auth().oauth2(TestTokens.user(user, "user")).contentType(ContentType.JSON)
        .body(Map.of("outcome", "LOST")).post("/admin/v1/disputes/" + id + "/resolve").then().statusCode(403);
    resolve(id, "UNDER_REVIEW").then().statusCode(400).body("reason", equalTo("INVALID_OUTCOME"));

    assertEquals(700, fixtures.balance(user, "EUR"));
    assertEquals("OPEN", fixtures.strings("select status from disputes where id = $1", UUID.fromString(id)).get(0));
  }

  // ---------------------------------------------------------------------------------------------
  // Overdue evidence, races, risk-svc down
  // ---------------------------------------------------------------------------------------------

  @Test
  void withoutEvidenceByTheDueDateTheDisputeIsLostOnceWhateverRaces() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");
    fixtures.update("update disputes set evidence_due_at = now() - interval '1 minute' where id = $1", UUID.fromString(id));

    assertCode(Status.Code.FAILED_PRECONDITION, "EVIDENCE_OVERDUE",
        () -> merchant(partner).submitEvidence(evidence(id, "too late")));
    List<Callable<?>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(() -> service.loseOverdue(10).await().indefinitely());
      calls.add(() -> merchant(partner).acceptDispute(accept(id)).getStatus());
      calls.add(() -> resolve(id, "LOST").statusCode());
    }
    List<Object> answers = Race.run(calls);

    for (Object answer : answers) {
      assertTrue(!(answer instanceof Exception), String.valueOf(answer));
    }
    assertEquals(1, refunds(charge));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(List.of("dispute.opened", "dispute.resolved"), events(id));
    assertEquals("LOST", fixtures.strings("select status from disputes where id = $1", UUID.fromString(id)).get(0));
  }

  @Test
  void disputeRacingRefundsAndUndoNeverRefundsMoreThanWasCaptured() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    UUID wallet = walletOf(user);
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    Charge charge = as(partner).createCharge(aCharge(user, 400).build());
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");

    List<Callable<?>> calls = new ArrayList<>();
    calls.add(() -> resolve(id, "LOST").statusCode());
    calls.add(() -> merchant(partner).acceptDispute(accept(id)).getStatus());
    for (int i = 0; i < 4; i++) {
      calls.add(() -> as(partner).refundCharge(refund(charge, 90)));
    }
    calls.add(
        () -> given().auth().oauth2(TestTokens.user(user, "user")).header("Idempotency-Key", UUID.randomUUID().toString())
            .post("/v1/charges/" + charge.getChargeId() + "/undo").statusCode());
    Race.run(calls);

    assertEquals(400, fixtures.longValue("select coalesce(sum(amount_minor), 0) from refunds where charge_id = $1",
        id(charge)) + remaining(charge));
    assertEquals(0, remaining(charge), "the dispute was lost: nothing is left with the merchant");
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(fixtures.balance(user, "EUR"), fixtures.entriesSum(wallet));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
    assertEquals(feesBefore, fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR"));
    assertEquals(fixtures.longValue("select refunded_minor from disputes where id = $1", UUID.fromString(id)),
        fixtures.longValue("select coalesce(sum(r.amount_minor), 0) from refunds r join disputes d on d.refund_id = r.id"
            + " where d.id = $1", UUID.fromString(id)));
  }

  @Test
  void anOutcomeIsReportedToRiskEvenWhenRiskWasDownAtTheTime() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = as(partner).createCharge(aCharge(user, 300).build());
    String decision = decisionOf(charge);
    String id = dispute(user, charge.getChargeId()).then().statusCode(201).extract().path("id");
    FakeRisk.REPORTS_UNAVAILABLE.set(true);

    merchant(partner).acceptDispute(accept(id));
    eventually(
        "a failed attempt",
        () -> fixtures.longValue(
            "select count(*) from risk_outbox where data->>'decisionId' = $1 and published_at is null and attempts > 0",
            decision) == 1);

    assertTrue(reports(decision).isEmpty());
    FakeRisk.REPORTS_UNAVAILABLE.set(false);
    fixtures.update("update risk_outbox set next_attempt_at = now() where data->>'decisionId' = $1", decision);
    awaitReported(decision, Outcome.OUTCOME_DISPUTE_LOST);
    assertEquals(1, fixtures.longValue(
        "select count(*) from risk_outbox where data->>'decisionId' = $1 and published_at is not null", decision));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  private void awaitReported(String decisionId, Outcome outcome) {
    eventually(outcome + " of " + decisionId + " reaching risk-svc", () -> reports(decisionId).contains(outcome));
  }

  /** Runs relay passes until {@code done} holds (the scheduled pass may be the one that gets there). */
  private void eventually(String what, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      outcomes.drainOnce().await().indefinitely();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("never happened: " + what);
  }

  private static List<Outcome> reports(String decisionId) {
    return FakeRisk.REPORTED.stream()
        .filter(r -> r.getDecisionId().equals(decisionId))
        .map(ReportOutcomeRequest::getOutcome)
        .toList();
  }

  private static void assertCode(Status.Code code, String reason, org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    if (reason != null) {
      assertEquals(reason, io.farthing.testing.Grpc.reason(e), e.getStatus().toString());
    }
  }

  private List<String> events(String disputeId) {
    return fixtures.strings("select type from outbox where ordering_key = $1 order by seq", "dispute:" + disputeId);
  }

  private String decisionOf(Charge charge) {
    return fixtures.strings("select decision_id from charges where id = $1", id(charge)).get(0);
  }

  private UUID walletOf(UUID user) {
    return UUID.fromString(fixtures.strings("select id::text from wallets where user_id = $1 and currency = 'EUR'", user).get(0));
  }

  private long remaining(Charge charge) {
    return fixtures.longValue("select captured_minor - refunded_minor from charges where id = $1", id(charge));
  }

  private long refunds(Charge charge) {
    return fixtures.longValue("select count(*) from refunds where charge_id = $1", id(charge));
  }

  private static UUID id(Charge charge) {
    return UUID.fromString(charge.getChargeId());
  }

  private static SubmitEvidenceRequest evidence(String disputeId, String summary, String... refs) {
    var request = SubmitEvidenceRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString()).setDisputeId(disputeId).setSummary(summary);
    for (String ref : refs) {
      request.addRefs(ref == null ? "r" : ref);
    }
    return request.build();
  }

  private static AcceptDisputeRequest accept(String disputeId) {
    return AcceptDisputeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setDisputeId(disputeId).build();
  }

  private static RefundChargeRequest refund(Charge charge, long minor) {
    return RefundChargeRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(charge.getChargeId())
        .setAmount(eur(minor))
        .build();
  }
}
