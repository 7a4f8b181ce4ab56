package io.farthing.payments.paymentrequest;

import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.CancelPaymentRequestRequest;
import io.farthing.proto.payments.v1.CreatePaymentRequestRequest;
import io.farthing.proto.payments.v1.GetPaymentRequestRequest;
import io.farthing.proto.payments.v1.PaymentRequest;
import io.farthing.proto.payments.v1.PaymentRequestStatus;
import io.farthing.proto.payments.v1.PaymentRequestUsage;
import io.farthing.proto.payments.v1.PaymentRequestsGrpc;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The merchant's side: PaymentRequests over gRPC and its REST mirror. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class PaymentRequestGrpcTest {
  @GrpcClient("payments")
  PaymentRequestsGrpc.PaymentRequestsBlockingStub plain;

  @Inject Fixtures fixtures;

  PaymentRequestsGrpc.PaymentRequestsBlockingStub as(String partner) {
    return withToken(plain, TestTokens.client(partner, "payments:charge", "payments:read"));
  }

  static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  static CreatePaymentRequestRequest.Builder aRequest(long minor) {
    return CreatePaymentRequestRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setAmount(eur(minor))
        .setDescription("Coffee")
        .setReference("till-7/0042");
  }

  static void assertRefused(Status.Code code, String reason, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, code(e), e.getMessage());
    assertEquals(reason, reason(e));
  }

  @Test
  void createAnswersTheRequestWithItsSignedPayloadAndUrl() {
    String partner = fixtures.aMerchant();
    Instant before = Instant.now();

    PaymentRequest created = as(partner).createPaymentRequest(aRequest(250).build());

    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_OPEN, created.getStatus());
    assertEquals(PaymentRequestUsage.PAYMENT_REQUEST_USAGE_SINGLE_USE, created.getUsage());
    assertEquals(eur(250), created.getAmount());
    assertEquals("Coffee", created.getDescription());
    assertEquals("till-7/0042", created.getReference());
    assertEquals(partner, created.getPartnerClientId());
    assertEquals(0, created.getPaymentCount());
    assertEquals("", created.getChargeId());
    assertTrue(created.getPayload().startsWith("farthing:pr1."), created.getPayload());
    assertEquals("https://pay.farthing.local/r/" + created.getPayload(), created.getUrl());
    long ttl = created.getExpiresAt().getSeconds() - before.getEpochSecond();
    assertTrue(ttl >= Duration.ofMinutes(15).toSeconds() - 2 && ttl <= Duration.ofMinutes(15).toSeconds() + 2, "" + ttl);

    PaymentRequest got =
        as(partner).getPaymentRequest(id(created.getPaymentRequestId()));
    assertEquals(created.getPayload(), got.getPayload());
    assertEquals(created.getExpiresAt(), got.getExpiresAt());
  }

  @Test
  void aReusableRequestWithItsOwnExpiry() {
    String partner = fixtures.aMerchant();
    PaymentRequest created =
        as(partner)
            .createPaymentRequest(
                aRequest(100)
                    .setUsage(PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE)
                    .setExpiresInSeconds(Duration.ofDays(30).toSeconds())
                    .build());
    assertEquals(PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE, created.getUsage());
    assertTrue(created.getExpiresAt().getSeconds() > Instant.now().plus(Duration.ofDays(29)).getEpochSecond());
  }

  @Test
  void theSameKeyAnswersTheSameRequestAndRefusesADifferentOne() {
    String partner = fixtures.aMerchant();
    CreatePaymentRequestRequest request = aRequest(300).build();

    PaymentRequest first = as(partner).createPaymentRequest(request);
    PaymentRequest again = as(partner).createPaymentRequest(request);

    assertEquals(first, again);
    assertEquals(
        1, fixtures.longValue("select count(*) from payment_requests where partner_client_id = $1", partner));
    assertRefused(
        Status.Code.FAILED_PRECONDITION,
        "IDEMPOTENCY_KEY_REUSED",
        () -> as(partner).createPaymentRequest(request.toBuilder().setAmount(eur(301)).build()));
  }

  @Test
  void anotherPartnerCannotSeeOrCancelIt() {
    String owner = fixtures.aMerchant();
    String other = fixtures.aMerchant();
    PaymentRequest created = as(owner).createPaymentRequest(aRequest(100).build());

    assertRefused(
        Status.Code.NOT_FOUND, "PAYMENT_REQUEST_NOT_FOUND",
        () -> as(other).getPaymentRequest(id(created.getPaymentRequestId())));
    assertRefused(
        Status.Code.NOT_FOUND, "PAYMENT_REQUEST_NOT_FOUND",
        () -> as(other).cancelPaymentRequest(cancel(created.getPaymentRequestId())));

    assertEquals(
        PaymentRequestStatus.PAYMENT_REQUEST_STATUS_OPEN,
        as(owner).getPaymentRequest(id(created.getPaymentRequestId())).getStatus());
  }

  @Test
  void cancelStopsItAndCancellingAgainAnswersTheSame() {
    String partner = fixtures.aMerchant();
    PaymentRequest created = as(partner).createPaymentRequest(aRequest(100).build());

    PaymentRequest cancelled = as(partner).cancelPaymentRequest(cancel(created.getPaymentRequestId()));
    PaymentRequest again = as(partner).cancelPaymentRequest(cancel(created.getPaymentRequestId()));

    assertEquals(PaymentRequestStatus.PAYMENT_REQUEST_STATUS_CANCELLED, cancelled.getStatus());
    assertTrue(cancelled.hasCancelledAt());
    assertEquals(cancelled.getCancelledAt(), again.getCancelledAt());
    assertEquals(
        PaymentRequestStatus.PAYMENT_REQUEST_STATUS_CANCELLED,
        as(partner).getPaymentRequest(id(created.getPaymentRequestId())).getStatus());
  }

  @Test
  void eachRpcNeedsItsScope() {
    String partner = fixtures.aMerchant();
    PaymentRequest created = as(partner).createPaymentRequest(aRequest(100).build());
    var readOnly = withToken(plain, TestTokens.client(partner, "payments:read"));
    var chargeOnly = withToken(plain, TestTokens.client(partner, "payments:charge"));

    assertRefused(Status.Code.PERMISSION_DENIED, "FORBIDDEN", () -> readOnly.createPaymentRequest(aRequest(100).build()));
    assertRefused(
        Status.Code.PERMISSION_DENIED, "FORBIDDEN",
        () -> readOnly.cancelPaymentRequest(cancel(created.getPaymentRequestId())));
    assertRefused(
        Status.Code.PERMISSION_DENIED, "FORBIDDEN",
        () -> chargeOnly.getPaymentRequest(id(created.getPaymentRequestId())));
    assertRefused(
        Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED", () -> plain.createPaymentRequest(aRequest(100).build()));
    assertRefused(
        Status.Code.PERMISSION_DENIED, "FORBIDDEN",
        () -> withToken(plain, TestTokens.user(UUID.randomUUID(), "user")).createPaymentRequest(aRequest(100).build()));
  }

  @Test
  void badInputIsInvalidArgumentWithAReason() {
    String partner = fixtures.aMerchant();
    var stub = as(partner);
    record Case(String reason, UnaryOperator<CreatePaymentRequestRequest.Builder> change) {}
    Case[] cases = {
      new Case("MISSING_IDEMPOTENCY_KEY", b -> b.clearIdempotencyKey()),
      new Case("INVALID_IDEMPOTENCY_KEY", b -> b.setIdempotencyKey("has spaces")),
      new Case("MISSING_FIELD", b -> b.clearAmount()),
      new Case("INVALID_AMOUNT", b -> b.setAmount(eur(0))),
      new Case("INVALID_AMOUNT", b -> b.setAmount(eur(-5))),
      new Case("INVALID_CURRENCY", b -> b.setAmount(eur(100).toBuilder().setCurrency("eur"))),
      new Case("MISSING_FIELD", b -> b.setAmount(eur(100).toBuilder().setCurrency(""))),
      new Case("INVALID_EXPIRY", b -> b.setExpiresInSeconds(59)),
      new Case("INVALID_EXPIRY", b -> b.setExpiresInSeconds(Duration.ofDays(30).toSeconds() + 1)),
      new Case("INVALID_EXPIRY", b -> b.setExpiresInSeconds(-60)),
      new Case("FIELD_TOO_LONG", b -> b.setDescription("x".repeat(501))),
      new Case("FIELD_TOO_LONG", b -> b.setReference("r".repeat(101))),
      new Case("INVALID_REFERENCE", b -> b.setReference("line\nbreak")),
      new Case("INVALID_REFERENCE", b -> b.setReference("   ")),
      new Case("INVALID_USAGE", b -> b.setUsageValue(7)),
    };
    for (Case c : cases) {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> stub.createPaymentRequest(c.change().apply(aRequest(100)).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(e), c.reason() + ": " + e.getMessage());
      assertEquals(c.reason(), reason(e));
    }
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "INVALID_ID",
        () -> stub.getPaymentRequest(GetPaymentRequestRequest.newBuilder().setPaymentRequestId("nope").build()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "MISSING_FIELD",
        () -> stub.getPaymentRequest(GetPaymentRequestRequest.getDefaultInstance()));
    assertRefused(
        Status.Code.INVALID_ARGUMENT, "MISSING_IDEMPOTENCY_KEY",
        () ->
            stub.cancelPaymentRequest(
                CancelPaymentRequestRequest.newBuilder().setPaymentRequestId(UUID.randomUUID().toString()).build()));
    assertEquals(0, fixtures.longValue("select count(*) from payment_requests where partner_client_id = $1", partner));
  }

  @Test
  void onlyAMerchantTakingTheCurrencyCanCreateOne() {
    String partner = fixtures.aMerchant();
    assertRefused(
        Status.Code.FAILED_PRECONDITION, "CURRENCY_NOT_ACCEPTED",
        () -> as(partner).createPaymentRequest(aRequest(100).setAmount(eur(100).toBuilder().setCurrency("USD")).build()));
    assertRefused(
        Status.Code.FAILED_PRECONDITION, "MERCHANT_NOT_ONBOARDED",
        () -> as("fcl_not_a_merchant_" + UUID.randomUUID()).createPaymentRequest(aRequest(100).build()));
  }

  // ------------------------------------------------------------------------------------------
  // REST mirror
  // ------------------------------------------------------------------------------------------

  @Test
  void theRestMirrorCreatesGetsAndCancels() {
    String partner = fixtures.aMerchant();
    String token = TestTokens.client(partner, "payments:charge", "payments:read");
    String key = UUID.randomUUID().toString();
    String body =
        """
        {"amount": {"amountMinor": 450, "currency": "EUR"}, "description": "Lunch", "reference": "T-1",
         "usage": "reusable", "expiresInSeconds": 600}
        """;

    String id =
        given().auth().oauth2(token).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
            .when().post("/partner/v1/payment-requests")
            .then().statusCode(201)
            .body("amount.amountMinor", equalTo(450))
            .body("usage", equalTo("REUSABLE"))
            .body("status", equalTo("OPEN"))
            .body("payload", startsWith("farthing:pr1."))
            .body("url", startsWith("https://pay.farthing.local/r/farthing:pr1."))
            .body("cancelledAt", nullValue())
            .extract().path("paymentRequestId");
    String replayed =
        given().auth().oauth2(token).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
            .when().post("/partner/v1/payment-requests")
            .then().statusCode(201).extract().path("paymentRequestId");
    assertEquals(id, replayed);

    given().auth().oauth2(token).when().get("/partner/v1/payment-requests/" + id)
        .then().statusCode(200).body("description", equalTo("Lunch")).body("paymentCount", equalTo(0));
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .when().post("/partner/v1/payment-requests/" + id + "/cancel")
        .then().statusCode(200).body("status", equalTo("CANCELLED"));
    given().auth().oauth2(TestTokens.client(fixtures.aMerchant(), "payments:read"))
        .when().get("/partner/v1/payment-requests/" + id)
        .then().statusCode(404).contentType("application/problem+json").body("reason", equalTo("PAYMENT_REQUEST_NOT_FOUND"));
  }

  @Test
  void theRestMirrorRefusesWhatGrpcRefuses() {
    String partner = fixtures.aMerchant();
    String token = TestTokens.client(partner, "payments:charge", "payments:read");
    String body = "{\"amount\": {\"amountMinor\": 100, \"currency\": \"EUR\"}}";

    given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(400).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body("{\"amount\": {\"amountMinor\": 1.5, \"currency\": \"EUR\"}}")
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(400).body("reason", equalTo("INVALID_AMOUNT"));
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body("{\"amount\": {\"amountMinor\": 100, \"currency\": \"EUR\"}, \"usage\": \"twice\"}")
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(400).body("reason", equalTo("INVALID_USAGE"));
    given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body("{}")
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(400).body("reason", equalTo("VALIDATION_FAILED"));
    given().auth().oauth2(TestTokens.client(partner, "payments:read")).header("Idempotency-Key", "k1")
        .contentType(ContentType.JSON).body(body)
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(403).body("reason", equalTo("FORBIDDEN"));
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user")).header("Idempotency-Key", "k1")
        .contentType(ContentType.JSON).body(body)
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(403);
    given().header("Idempotency-Key", "k1").contentType(ContentType.JSON).body(body)
        .when().post("/partner/v1/payment-requests")
        .then().statusCode(401);
  }

  static GetPaymentRequestRequest id(String id) {
    return GetPaymentRequestRequest.newBuilder().setPaymentRequestId(id).build();
  }

  static CancelPaymentRequestRequest cancel(String id) {
    return CancelPaymentRequestRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setPaymentRequestId(id)
        .build();
  }
}
