package io.farthing.payments.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.common.rest.Problem;
import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.support.Fixtures;
import io.farthing.proto.payments.v1.FeeQuote;
import io.farthing.proto.payments.v1.ListChargesRequest;
import io.farthing.testing.RawGrpc;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.QuoteFeeRequest;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.payments.topup.SandboxFundingGateway;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored, no money moved.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  @Inject Fixtures fixtures;

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub payments;

  @GrpcClient("payments")
  io.grpc.Channel channel;

  static final long[] HUGE = {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2 + 1};

  PaymentsGrpc.PaymentsBlockingStub partner(String partner) {
    return withToken(payments, TestTokens.client(partner, "payments:charge", "payments:read"));
  }

  static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  // ------------------------------------------------------------------------------------------
  // Amounts up to int64's maximum: an answer or a refusal, never INTERNAL / 500
  // ------------------------------------------------------------------------------------------

  @Test
  void aFeeQuoteIsExactForTheLargestAmounts() {
    String partner = fixtures.aMerchant(new FeePlan("EUR", 2, 250, 0, null));
    for (long amount : HUGE) {
      FeeQuote quote = partner(partner).quoteFee(QuoteFeeRequest.newBuilder().setAmount(eur(amount)).build());
      long fee =
          BigInteger.valueOf(amount).multiply(BigInteger.valueOf(250)).add(BigInteger.valueOf(5_000))
              .divide(BigInteger.valueOf(10_000)).add(BigInteger.TWO).longValueExact();
      assertEquals(fee, quote.getFee().getAmountMinor(), "fee on " + amount);
      assertEquals(amount - fee, quote.getNet().getAmountMinor(), "net on " + amount);
    }
  }

  @Test
  void chargingTheLargestAmountsIsRefusedWithAReasonAndMovesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, Long.MAX_VALUE);
    for (long amount : HUGE) {
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () -> partner(partner).createCharge(aCharge(user, 100).setAmount(eur(amount)).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, code(e), amount + ": " + e.getStatus());
      assertNotEquals("INTERNAL", reason(e));
    }
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.merchantBalance(partner, "EUR"));
  }

  @Test
  void toppingUpTheLargestAmountsIsRefusedWithAReasonAndCreditsNothing() {
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    for (long amount : HUGE) {
      given().auth().oauth2(TestTokens.user(user, "user"))
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .contentType("application/json")
          .body(Map.of("currency", "EUR", "amountMinor", amount, "instrument", SandboxFundingGateway.VISA))
          .post("/v1/topups")
          .then()
          .statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
          .contentType(PROBLEM);
    }
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void transferringTheLargestAmountsIsRefusedWithAReasonAndMovesNothing() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    fixtures.fund(bob, "EUR", 1_000);
    for (long amount : HUGE) {
      given().auth().oauth2(TestTokens.user(alice, "user"))
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .contentType("application/json")
          .body(Map.of("toUserId", bob.toString(), "amountMinor", amount, "currency", "EUR", "note", "big"))
          .post("/v1/transfers")
          .then()
          .statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
          .contentType(PROBLEM);
    }
    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertEquals(1_000, fixtures.balance(bob, "EUR"));
  }

  /**
   * Limits as large as int64 (an operator's "no limit") are stored, and under them a transfer of
   * int64's maximum after an earlier one is refused with a reason, nothing moved. DKK is this
   * test's alone.
   */
  @Test
  void underInt64LimitsTheLargestTransferIsRefusedAndMovesNothing() {
    given().auth().oauth2(TestTokens.admin()).contentType("application/json")
        .body(Map.of("perTransactionMinor", Long.MAX_VALUE, "dailyMinor", Long.MAX_VALUE,
            "monthlyMinor", Long.MAX_VALUE, "walletMaxMinor", Long.MAX_VALUE))
        .put("/admin/v1/kyc-limits/0/DKK")
        .then()
        .statusCode(200);
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "DKK", 1_000);
    fixtures.fund(bob, "DKK", 1_000);
    transfer(alice, bob, 100, "DKK").then().statusCode(201);

    transfer(alice, bob, Long.MAX_VALUE, "DKK")
        .then()
        .statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
        .contentType(PROBLEM);

    assertEquals(900, fixtures.balance(alice, "DKK"));
    assertEquals(1_100, fixtures.balance(bob, "DKK"));
  }

  static io.restassured.response.Response transfer(UUID from, UUID to, long amountMinor, String currency) {
    return given().auth().oauth2(TestTokens.user(from, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body(Map.of("toUserId", to.toString(), "amountMinor", amountMinor, "currency", currency, "note", "big"))
        .post("/v1/transfers");
  }

  @Test
  void capsAsLargeAsInt64AreAcceptedAndAPaymentUnderThemStillWorks() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, Long.MAX_VALUE);
    given().auth().oauth2(TestTokens.user(user, "user"))
        .contentType("application/json")
        .body(Map.of("dailyCapMinor", Long.MAX_VALUE, "monthlyCapMinor", Long.MAX_VALUE))
        .put("/v1/limits/EUR")
        .then()
        .statusCode(both(greaterThanOrEqualTo(200)).and(lessThan(500)));
    partner(partner).createCharge(aCharge(user, 100).build());
    assertEquals(900, fixtures.balance(user, "EUR"));
  }

  @Test
  void aTopUpNamingAFieldTwiceIsMalformedAndCreditsNothing() {
    UUID user = UUID.randomUUID();
    String body =
        "{\"currency\":\"EUR\",\"amountMinor\":5,\"amountMinor\":500,\"instrument\":\""
            + SandboxFundingGateway.VISA + "\"}";

    given().auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body(body)
        .post("/v1/topups")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    assertEquals(0, fixtures.longValue("select count(*) from topups where user_id = $1", user));
    assertEquals(0, fixtures.balance(user, "EUR"));
  }

  @Test
  void openingAWalletNamingTheCurrencyTwiceIsMalformedAndOpensNothing() {
    UUID user = UUID.randomUUID();
    given().auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body("{\"currency\":\"EUR\",\"currency\":\"USD\"}")
        .post("/v1/wallets")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("MALFORMED_BODY"));
    assertEquals(0, fixtures.longValue("select count(*) from wallets where user_id = $1", user));
  }

  // ------------------------------------------------------------------------------------------
  // Text that is not text: U+0000 and unpaired surrogates; timestamps outside their type
  // ------------------------------------------------------------------------------------------

  /** JSON escapes, written out: the body carries them as sent. */
  static final String NUL = "\\u0000";
  static final String LONE_SURROGATE = "\\uD800";

  @Test
  void aTransferNoteWithNulOrALoneSurrogateIsInvalidCharacterAndMovesNothing() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    fixtures.fund(alice, "EUR", 1_000);
    for (String bad : new String[] {NUL, LONE_SURROGATE}) {
      given().auth().oauth2(TestTokens.user(alice, "user"))
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .contentType("application/json")
          .body("{\"toUserId\":\"" + bob + "\",\"amountMinor\":100,\"currency\":\"EUR\",\"note\":\"Lunch" + bad + "\"}")
          .post("/v1/transfers")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(Problem.typeFor("INVALID_CHARACTER")))
          .body("reason", equalTo("INVALID_CHARACTER"))
          .body("detail", org.hamcrest.Matchers.startsWith("note contains"));
    }
    assertEquals(1_000, fixtures.balance(alice, "EUR"));
    assertEquals(0, fixtures.balance(bob, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from transfers where sender_id = $1", alice));
  }

  @Test
  void aQueryParameterWithNulIsInvalidCharacter() {
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user"))
        .urlEncodingEnabled(false)
        .get("/v1/charges?cursor=a%00b")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("INVALID_CHARACTER"));
  }

  @Test
  void aChargeDescriptionWithNulIsInvalidCharacterAndChargesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    var request = aCharge(user, 100).setDescription("Article\u0000").build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> partner(partner).createCharge(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("INVALID_CHARACTER", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from charges where user_id = $1", user));
  }

  @Test
  void aLoneSurrogateCannotEvenBeEncodedIntoAProtobufStringSoItIsAMalformedRequest() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    byte[] valid = aCharge(user, 100).clearDescription().build().toByteArray();
    // description (field 5?) is found by name below; U+D800 as its 3-byte (CESU-8) form ED A0 80.
    int number = io.farthing.proto.payments.v1.CreateChargeRequest.getDescriptor().findFieldByName("description").getNumber();
    byte[] bad = RawGrpc.field(number, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + bad.length);
    System.arraycopy(bad, 0, bytes, valid.length, bad.length);
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class,
            () -> RawGrpc.unary(channel, "farthing.payments.v1.Payments/CreateCharge",
                TestTokens.client(partner, "payments:charge"), bytes));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void timestampsOutsideTheirTypesRangeAreInvalidTimestamp() {
    String partner = fixtures.aMerchant();
    long[][] bad = {{253_402_300_800L, 0}, {-62_135_596_801L, 0}, {Long.MAX_VALUE, 0}, {0, -1}, {0, 1_000_000_000}};
    for (long[] t : bad) {
      var request =
          ListChargesRequest.newBuilder()
              .setCreatedTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(t[0]).setNanos((int) t[1]))
              .build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> partner(partner).listCharges(request));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(e), t[0] + "s " + t[1] + "ns: " + e.getStatus());
      assertEquals("INVALID_TIMESTAMP", reason(e));
    }
    // The type's own bounds are fine.
    partner(partner).listCharges(ListChargesRequest.newBuilder()
        .setCreatedTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(253_402_300_799L).setNanos(999_999_999)).build());
  }
}
