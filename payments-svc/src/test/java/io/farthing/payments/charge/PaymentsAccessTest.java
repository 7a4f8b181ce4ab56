package io.farthing.payments.charge;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.payments.charge.ChargeLifecycleTest.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.ListChargesRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.QuoteFeeRequest;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Who may do what on the partner API: every RPC without a token, with a token lacking its scope,
 * with a user's token, and on another partner's charge (BOLA), plus bad input writing nothing.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class PaymentsAccessTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  static final String ALL = "payments:charge payments:refund payments:read";

  PaymentsGrpc.PaymentsBlockingStub as(String partner, String... scopes) {
    return withToken(plain, TestTokens.client(partner, scopes));
  }

  /** Every RPC, called on {@code chargeId}, as one map from name to call. */
  Map<String, Consumer<PaymentsGrpc.PaymentsBlockingStub>> everyRpc(UUID user, String chargeId) {
    Map<String, Consumer<PaymentsGrpc.PaymentsBlockingStub>> rpcs = new LinkedHashMap<>();
    rpcs.put("CreateCharge", s -> s.createCharge(aCharge(user, 100).build()));
    rpcs.put("ConfirmCharge", s -> s.confirmCharge(ConfirmChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(chargeId).setStepUpToken("x").build()));
    rpcs.put("CaptureCharge", s -> s.captureCharge(CaptureChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(chargeId).build()));
    rpcs.put("VoidCharge", s -> s.voidCharge(VoidChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(chargeId).build()));
    rpcs.put("RefundCharge", s -> s.refundCharge(RefundChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString())
        .setChargeId(chargeId).build()));
    rpcs.put("GetCharge", s -> s.getCharge(GetChargeRequest.newBuilder().setChargeId(chargeId).build()));
    rpcs.put("ListCharges", s -> s.listCharges(ListChargesRequest.getDefaultInstance()));
    rpcs.put("QuoteFee", s -> s.quoteFee(QuoteFeeRequest.newBuilder().setAmount(eur(100)).build()));
    return rpcs;
  }

  Charge aSucceededCharge(String partner, UUID user) {
    fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, partner, 500, "EUR");
    return as(partner, ALL.split(" ")).createCharge(aCharge(user, 100).build());
  }

  @Test
  void everyRpcNeedsAToken() {
    UUID user = UUID.randomUUID();
    everyRpc(user, UUID.randomUUID().toString())
        .forEach(
            (name, rpc) -> {
              StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rpc.accept(plain), name);
              assertEquals(Status.Code.UNAUTHENTICATED, code(e), name);
            });
  }

  @Test
  void everyRpcNeedsItsScope() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    Charge charge = aSucceededCharge(partner, user);
    Map<String, String> scopeOf =
        Map.of(
            "CreateCharge", "payments:charge", "ConfirmCharge", "payments:charge", "CaptureCharge", "payments:charge",
            "VoidCharge", "payments:charge", "RefundCharge", "payments:refund", "GetCharge", "payments:read",
            "ListCharges", "payments:read", "QuoteFee", "payments:charge");
    everyRpc(user, charge.getChargeId())
        .forEach(
            (name, rpc) -> {
              String[] others = ALL.replace(scopeOf.get(name), "").trim().split("\\s+");
              StatusRuntimeException e =
                  assertThrows(StatusRuntimeException.class, () -> rpc.accept(as(partner, others)), name);
              assertEquals(Status.Code.PERMISSION_DENIED, code(e), name);
            });
    assertEquals(900, fixtures.balance(user, "EUR"));
  }

  @Test
  void aUsersOwnTokenCannotCallThePartnerApi() {
    UUID user = UUID.randomUUID();
    var asUser = withToken(plain, TestTokens.user(user));
    everyRpc(user, UUID.randomUUID().toString())
        .forEach(
            (name, rpc) -> {
              StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rpc.accept(asUser), name);
              assertEquals(Status.Code.PERMISSION_DENIED, code(e), name);
            });
  }

  @Test
  void anotherPartnersChargeIsNotFoundOnEveryRpcThatNamesOne() {
    String owner = fixtures.aMerchant();
    String intruder = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    Charge charge = aSucceededCharge(owner, user);
    everyRpc(user, charge.getChargeId()).entrySet().stream()
        .filter(e -> !e.getKey().equals("CreateCharge") && !e.getKey().equals("ListCharges") && !e.getKey().equals("QuoteFee"))
        .forEach(
            entry -> {
              StatusRuntimeException e =
                  assertThrows(
                      StatusRuntimeException.class, () -> entry.getValue().accept(as(intruder, ALL.split(" "))), entry.getKey());
              assertEquals(Status.Code.NOT_FOUND, code(e), entry.getKey());
              assertEquals("CHARGE_NOT_FOUND", reason(e), entry.getKey());
            });
    assertTrue(as(intruder, ALL.split(" ")).listCharges(ListChargesRequest.getDefaultInstance()).getChargesList().isEmpty());
    assertEquals(900, fixtures.balance(user, "EUR"));
    assertEquals(1, as(owner, ALL.split(" ")).listCharges(ListChargesRequest.getDefaultInstance()).getChargesCount());
  }

  @Test
  void aPartnerCannotChargeAUserWithAnotherPartnersConsent() {
    String owner = fixtures.aMerchant();
    String intruder = fixtures.aMerchant();
    UUID user = fixtures.payer(owner, 1_000, 500);

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(intruder, ALL.split(" ")).createCharge(aCharge(user, 100).build()));

    assertEquals("NO_CONSENT", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aChargeAboveTheConsentsPerChargeMaximumIsRefused() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 100);

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as(partner, ALL.split(" ")).createCharge(aCharge(user, 101).build()));

    assertEquals("ABOVE_PER_CHARGE_MAXIMUM", reason(e));
  }

  @Test
  void aUsersOwnAccessTokenPaysWithoutConsentButAPartnerTokenIsNoPayerToken() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);

    Charge charge =
        as(partner, ALL.split(" "))
            .createCharge(
                CreateChargeRequest.newBuilder()
                    .setIdempotencyKey(UUID.randomUUID().toString())
                    .setUserAccessToken(TestTokens.user(user, "user"))
                    .setAmount(eur(100))
                    .build());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                as(partner, ALL.split(" "))
                    .createCharge(
                        CreateChargeRequest.newBuilder()
                            .setIdempotencyKey(UUID.randomUUID().toString())
                            .setUserAccessToken(TestTokens.client("fcl_other", "payments:charge"))
                            .setAmount(eur(100))
                            .build()));

    assertEquals(user.toString(), charge.getUserId());
    assertEquals("", charge.getConsentId());
    assertEquals("INVALID_PAYER_TOKEN", reason(e));
    assertEquals(900, fixtures.balance(user, "EUR"));
  }

  @Test
  void badInputIsRefusedWithAReasonAndWritesNothing() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    var stub = as(partner, ALL.split(" "));
    Map<String, CreateChargeRequest> bad = new LinkedHashMap<>();
    bad.put("INVALID_AMOUNT", aCharge(user, 0).build());
    bad.put("INVALID_AMOUNT ", aCharge(user, -5).build());
    bad.put("INVALID_CURRENCY", aCharge(user, 100).setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EURO")).build());
    bad.put("MISSING_IDEMPOTENCY_KEY", aCharge(user, 100).clearIdempotencyKey().build());
    bad.put("INVALID_IDEMPOTENCY_KEY", aCharge(user, 100).setIdempotencyKey("has spaces").build());
    bad.put("MISSING_FIELD", aCharge(user, 100).clearUserId().build());
    bad.put("INVALID_ID", aCharge(user, 100).setUserId("not-a-uuid").build());
    bad.put("FIELD_TOO_LONG", aCharge(user, 100).setDescription("x".repeat(501)).build());
    bad.forEach(
        (expected, request) -> {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.createCharge(request), expected);
          assertEquals(Status.Code.INVALID_ARGUMENT, code(e), expected);
          assertEquals(expected.trim(), reason(e), expected);
        });
    assertEquals(1_000, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from charges where user_id = $1", user));
  }

  @Test
  void aMerchantThatIsNotOnboardedCannotCharge() {
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    FakeAuth.consent(user, "fcl_unknown", 500, "EUR");

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> as("fcl_unknown", ALL.split(" ")).createCharge(aCharge(user, 100).build()));

    assertEquals("MERCHANT_NOT_ONBOARDED", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }
}
