package io.farthing.payments.grpc;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.FeeQuote;
import io.farthing.proto.payments.v1.QuoteFeeRequest;
import io.farthing.testing.RawGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bytes that do not parse as the request type (a fuzzer's, a broken client's) are the caller's
 * fault: INVALID_ARGUMENT with reason MALFORMED_REQUEST, never INTERNAL, and nothing is charged.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class MalformedRequestTest {
  static final String QUOTE_FEE = "farthing.payments.v1.Payments/QuoteFee";
  static final String CREATE_CHARGE = "farthing.payments.v1.Payments/CreateCharge";

  @GrpcClient("payments")
  Channel channel;

  @Inject Fixtures fixtures;

  @Test
  void unparsableBytesAreInvalidArgumentMalformedRequest() {
    String token = TestTokens.client(fixtures.aMerchant(), "payments:charge");
    RawGrpc.unparsable(1)
        .forEach(
            (what, bytes) -> {
              StatusRuntimeException e =
                  assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, QUOTE_FEE, token, bytes), what);
              assertEquals(Status.Code.INVALID_ARGUMENT, code(e), what + ": " + e.getStatus());
              assertEquals("MALFORMED_REQUEST", reason(e), what);
            });
  }

  @Test
  void invalidUtf8InAStringFieldIsMalformedRequest() {
    String token = TestTokens.client(fixtures.aMerchant(), "payments:charge");
    // amount { currency: <not UTF-8> }
    byte[] bytes = RawGrpc.field(1, RawGrpc.field(2, RawGrpc.notUtf8()));
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, QUOTE_FEE, token, bytes));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
  }

  @Test
  void anUnparsableChargeChargesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    String token = TestTokens.client(partner, "payments:charge");
    byte[] valid = aCharge(user, 100).build().toByteArray();
    // A whole valid charge, then a truncated field: nothing of it may be acted on.
    byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + 2);
    bytes[valid.length] = 0x0a;
    bytes[valid.length + 1] = 0x05;
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, CREATE_CHARGE, token, bytes));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  /**
   * As on any gRPC server, the message is parsed before the service method (where the token is
   * checked) runs: bytes that do not parse are refused as such, token or not, and reach nothing.
   */
  @Test
  void unparsableBytesWithoutATokenAreRefusedBeforeReachingTheService() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> RawGrpc.unary(channel, QUOTE_FEE, null, RawGrpc.unparsable(1).get("truncated length")));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
  }

  @Test
  void anEmptyMessageParsesAndIsJudgedByItsFields() {
    String token = TestTokens.client(fixtures.aMerchant(), "payments:charge");
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, QUOTE_FEE, token, new byte[0]));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    org.junit.jupiter.api.Assertions.assertNotEquals("MALFORMED_REQUEST", reason(e));
  }

  @Test
  void aValidMessageOnTheSamePathIsAnswered() throws Exception {
    String token = TestTokens.client(fixtures.aMerchant(), "payments:charge");
    byte[] answer =
        RawGrpc.unary(channel, QUOTE_FEE, token, QuoteFeeRequest.newBuilder().setAmount(eur(1_000)).build().toByteArray());
    FeeQuote quote = FeeQuote.parseFrom(answer);
    assertEquals(1_000, quote.getAmount().getAmountMinor());
  }
}
