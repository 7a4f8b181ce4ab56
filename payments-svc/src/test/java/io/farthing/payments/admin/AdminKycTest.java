package io.farthing.payments.admin;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.aCharge;
import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.anonymous;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.partner;
import static io.farthing.payments.admin.TestCalls.support;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.testing.Grpc.reason;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AdminKycTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  static Map<String, Object> limits(Object perTx, Object daily, Object monthly, Object walletMax) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("perTransactionMinor", perTx);
    body.put("dailyMinor", daily);
    body.put("monthlyMinor", monthly);
    body.put("walletMaxMinor", walletMax);
    return body;
  }

  // Charges here stay below payments.risk.fallback-allow-below-minor (200): on a busy machine risk-svc's
  // stand-in may miss its deadline, and the fallback would then challenge a larger payment instead of
  // letting the limit under test decide.
  @Test
  void raisingAUsersTierLetsTheirNextPaymentPassTheLowerTiersLimit() {
    // GBP with small limits: tier 0 allows 150 per payment, tier 1 allows 1000.
    as(admin()).body(limits(150, 5_000, 20_000, 15_000)).put("/admin/v1/kyc-limits/0/GBP").then().statusCode(200);
    as(admin()).body(limits(1_000, 50_000, 200_000, 100_000)).put("/admin/v1/kyc-limits/1/GBP").then().statusCode(200);
    try {
      String merchant = fixtures.aMerchant(new FeePlan("GBP", 1, 100, 0, null));
      UUID user = UUID.randomUUID();
      fixtures.fund(user, "GBP", 1_000);
      FakeAuth.consent(user, merchant, 500, "GBP");

      var e =
          assertThrows(
              StatusRuntimeException.class,
              () -> partner(plain, merchant).createCharge(aCharge(user, 180, "GBP").build()));
      assertEquals("LIMIT_EXCEEDED", reason(e));
      assertTrue(e.getStatus().getDescription().contains("KYC_PER_TRANSACTION"));
      as(support()).get("/admin/v1/users/" + user + "/kyc").then().statusCode(200).body("kycTier", equalTo(0));

      as(admin()).body(Map.of("tier", 1)).put("/admin/v1/users/" + user + "/kyc").then()
          .statusCode(200)
          .body("userId", equalTo(user.toString()))
          .body("kycTier", equalTo(1));
      assertEquals(
          ChargeStatus.CHARGE_STATUS_SUCCEEDED,
          partner(plain, merchant).createCharge(aCharge(user, 180, "GBP").build()).getStatus());
      as(support()).get("/admin/v1/users/" + user + "/kyc").then().statusCode(200).body("kycTier", equalTo(1));
      as(userToken(user)).get("/v1/limits?currency=GBP").then()
          .statusCode(200).body("kyc.tier", equalTo(1)).body("kyc.perTransactionMinor", equalTo(1000));

      // Setting the same tier again changes nothing and tells the user nothing new.
      as(admin()).body(Map.of("tier", 1)).put("/admin/v1/users/" + user + "/kyc").then().statusCode(200);
      assertEquals(
          1, fixtures.longValue("select count(*) from outbox where user_id = $1 and type = 'limit.changed'", user));
    } finally {
      as(admin()).body(limits(2_500, 5_000, 20_000, 15_000)).put("/admin/v1/kyc-limits/0/GBP").then().statusCode(200);
      as(admin()).body(limits(25_000, 50_000, 200_000, 100_000)).put("/admin/v1/kyc-limits/1/GBP").then()
          .statusCode(200);
    }
  }

  @Test
  void refusesABadTierOrUserAndOnlyAdminsChangeIt() {
    UUID user = UUID.randomUUID();
    String path = "/admin/v1/users/" + user + "/kyc";
    as(admin()).body(Map.of("tier", 4)).put(path).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_TIER"));
    as(admin()).body(Map.of("tier", 1.5)).put(path).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_TIER"));
    as(admin()).body(Map.of()).put(path).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_FIELD"));
    as(admin()).body(Map.of("tier", 1)).put("/admin/v1/users/not-a-uuid/kyc").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_ID"));
    as(support()).body(Map.of("tier", 1)).put(path).then().statusCode(403).contentType(PROBLEM);
    as(userToken(user)).body(Map.of("tier", 3)).put(path).then().statusCode(403).contentType(PROBLEM);
    anonymous().get(path).then().statusCode(401).contentType(PROBLEM);
    assertEquals(0, fixtures.longValue("select count(*) from payment_users where user_id = $1", user));
  }

  @Test
  void operatorsReadAndSetEachTiersLimitsAndTheNextPaymentRunsUnderThem() {
    as(support()).get("/admin/v1/kyc-limits").then()
        .statusCode(200)
        .body("items.findAll { it.tier == 0 && it.currency == 'EUR' }.perTransactionMinor", equalTo(List.of(2500)))
        .body("items.findAll { it.tier == 0 && it.currency == 'EUR' }.walletMaxMinor", equalTo(List.of(15000)));

    // CHF, tier 2: a user at that tier, a merchant taking CHF.
    String merchant = fixtures.aMerchant(new FeePlan("CHF", 1, 100, 0, null));
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "CHF", 1_000);
    FakeAuth.consent(user, merchant, 500, "CHF");
    as(admin()).body(Map.of("tier", 2)).put("/admin/v1/users/" + user + "/kyc").then().statusCode(200);
    try {
      as(admin()).body(limits(120, 250_000, 1_000_000, 500_000)).put("/admin/v1/kyc-limits/2/CHF").then()
          .statusCode(200)
          .body("tier", equalTo(2))
          .body("currency", equalTo("CHF"))
          .body("perTransactionMinor", equalTo(120));
      var e =
          assertThrows(
              StatusRuntimeException.class,
              () -> partner(plain, merchant).createCharge(aCharge(user, 150, "CHF").build()));
      assertEquals("LIMIT_EXCEEDED", reason(e));
      assertTrue(e.getStatus().getDescription().contains("KYC_PER_TRANSACTION"));
    } finally {
      as(admin()).body(limits(100_000, 250_000, 1_000_000, 500_000)).put("/admin/v1/kyc-limits/2/CHF").then()
          .statusCode(200);
    }
    assertEquals(
        ChargeStatus.CHARGE_STATUS_SUCCEEDED,
        partner(plain, merchant).createCharge(aCharge(user, 150, "CHF").build()).getStatus());

    // A new currency is offered once its tiers have rows.
    as(admin()).body(limits(1_000, 5_000, 20_000, 15_000)).put("/admin/v1/kyc-limits/0/SEK").then().statusCode(200);
    as(support()).get("/admin/v1/kyc-limits").then()
        .statusCode(200).body("items.currency", hasItem("SEK"));
  }

  @Test
  void refusesLimitsThatDoNotMakeSense() {
    as(admin()).body(limits(500, 100, 1_000, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INCONSISTENT_LIMITS"));
    as(admin()).body(limits(100, 1_000, 500, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INCONSISTENT_LIMITS"));
    as(admin()).body(limits(0, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    as(admin()).body(limits(1.5, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    as(admin()).body(limits(null, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_FIELD"));
    as(admin()).body(limits(100, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/4/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_TIER"));
    as(admin()).body(limits(100, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/x/NOK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_TIER"));
    as(admin()).body(limits(100, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/1/NOKK").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURRENCY"));
    as(support()).body(limits(100, 1_000, 5_000, 1_000)).put("/admin/v1/kyc-limits/1/NOK").then()
        .statusCode(403).contentType(PROBLEM);
    assertEquals(0, fixtures.longValue("select count(*) from kyc_limits where currency = 'NOK'"));
  }
}
