package io.farthing.payments.limit.rest;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.TYPE;
import static io.farthing.payments.admin.TestCalls.anonymous;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.partnerToken;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class UserCapsTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  static Map<String, Object> caps(Long daily, Long monthly) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dailyCapMinor", daily);
    body.put("monthlyCapMinor", monthly);
    return body;
  }

  /** A funded user who consented to a new merchant's charges up to {@code perChargeMinor}. */
  record Payer(UUID user, String merchant) {}

  Payer aPayer(long fundedMinor, long perChargeMinor) {
    String merchant = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", fundedMinor);
    FakeAuth.consent(user, merchant, perChargeMinor, "EUR");
    return new Payer(user, merchant);
  }

  Response put(UUID user, Long daily, Long monthly) {
    return as(userToken(user)).body(caps(daily, monthly)).put("/v1/limits/EUR");
  }

  void refusedByLimit(Payer payer, long minor, String expectedLimit) {
    var e = assertThrows(StatusRuntimeException.class, () -> charge(plain, payer.merchant(), payer.user(), minor));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("LIMIT_EXCEEDED", reason(e));
    assertTrue(e.getStatus().getDescription().contains(expectedLimit), e.getStatus().getDescription());
  }

  @Test
  void showsTheTiersLimitsTheCapsAndWhatWasSpentInTheUsersOwnDay() {
    Payer payer = aPayer(1_000, 500);
    // Kiritimati is UTC+14: its day is not the UTC day for half of every UTC day.
    String zone = "Pacific/Kiritimati";
    FakeAuth.user(payer.user(), UserStatus.USER_STATUS_ACTIVE, SecurityLevel.SECURITY_LEVEL_STANDARD, null, zone);
    charge(plain, payer.merchant(), payer.user(), 120);

    as(userToken(payer.user())).get("/v1/limits?currency=EUR").then()
        .statusCode(200)
        .body("currency", equalTo("EUR"))
        .body("kyc.tier", equalTo(0))
        .body("kyc.perTransactionMinor", equalTo(2500))
        .body("kyc.dailyMinor", equalTo(5000))
        .body("kyc.monthlyMinor", equalTo(20000))
        .body("kyc.walletMaxMinor", equalTo(15000))
        .body("caps.dailyCapMinor", nullValue())
        .body("caps.monthlyCapMinor", nullValue())
        .body("pending", nullValue())
        .body("effective.dailyMinor", equalTo(5000))
        .body("effective.remainingTodayMinor", equalTo(4880))
        .body("effective.remainingThisMonthMinor", equalTo(19880))
        .body("spent.timeZone", equalTo(zone))
        .body("spent.day", equalTo(LocalDate.now(ZoneId.of(zone)).toString()))
        .body("spent.todayMinor", equalTo(120))
        .body("spent.thisMonthMinor", equalTo(120));
  }

  @Test
  void aLoweredCapRefusesTheNextChargeAtOnce() {
    Payer payer = aPayer(1_000, 500);
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge(plain, payer.merchant(), payer.user(), 100).getStatus());

    put(payer.user(), 150L, null).then()
        .statusCode(200)
        .body("caps.dailyCapMinor", equalTo(150))
        .body("pending", nullValue())
        .body("effective.dailyMinor", equalTo(150))
        .body("effective.remainingTodayMinor", equalTo(50))
        .body("spent.todayMinor", equalTo(100));

    refusedByLimit(payer, 100, "USER_DAILY_CAP");
    assertEquals(900, fixtures.balance(payer.user(), "EUR"));
    // Exactly up to the cap still goes through.
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge(plain, payer.merchant(), payer.user(), 50).getStatus());
    assertEquals(850, fixtures.balance(payer.user(), "EUR"));
    assertTrue(fixtures.eventTypesForUser(payer.user()).contains("limit.changed"));
    assertTrue(fixtures.eventTypesForUser(payer.user()).contains("limit.reached"));
  }

  @Test
  void aRaiseDoesNotApplyBeforeTheCoolOffAndAppliesAfterIt() {
    Payer payer = aPayer(1_000, 500);
    put(payer.user(), 100L, 1_000L).then().statusCode(200).body("caps.dailyCapMinor", equalTo(100));

    Instant asked = Instant.now();
    Response raised = put(payer.user(), 500L, 1_000L);
    raised.then()
        .statusCode(200)
        .body("caps.dailyCapMinor", equalTo(100))
        .body("caps.monthlyCapMinor", equalTo(1000))
        .body("effective.dailyMinor", equalTo(100))
        .body("pending.daily.capMinor", equalTo(500))
        .body("pending.monthly", nullValue());
    Instant effectiveAt = Instant.parse(raised.path("pending.effectiveAt"));
    Duration wait = Duration.between(asked, effectiveAt);
    assertTrue(wait.compareTo(Duration.ofHours(24).minusMinutes(1)) > 0 && wait.compareTo(Duration.ofHours(24).plusMinutes(1)) < 0,
        "the raise waits 24 h, not " + wait);

    refusedByLimit(payer, 150, "USER_DAILY_CAP");
    assertEquals(1_000, fixtures.balance(payer.user(), "EUR"));

    // Let the cool-off pass.
    fixtures.update(
        "update user_caps set pending_effective_at = now() - interval '1 second' where user_id = $1", payer.user());

    as(userToken(payer.user())).get("/v1/limits?currency=EUR").then()
        .statusCode(200)
        .body("caps.dailyCapMinor", equalTo(500))
        .body("effective.dailyMinor", equalTo(500))
        .body("pending", nullValue());
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge(plain, payer.merchant(), payer.user(), 150).getStatus());
    assertEquals(850, fixtures.balance(payer.user(), "EUR"));
  }

  @Test
  void removingACapWaitsAndLoweringWhileItWaitsCancelsIt() {
    Payer payer = aPayer(1_000, 500);
    put(payer.user(), 200L, null).then().statusCode(200);

    Response cleared = put(payer.user(), null, null);
    cleared.then()
        .statusCode(200)
        .body("caps.dailyCapMinor", equalTo(200))
        .body("pending.daily", hasKey("capMinor"))
        .body("pending.daily.capMinor", nullValue())
        .body("pending.effectiveAt", notNullValue());
    String effectiveAt = cleared.path("pending.effectiveAt");

    // The same request again: nothing changes, the wait is not restarted, no new event.
    int events = fixtures.eventTypesForUser(payer.user()).size();
    put(payer.user(), null, null).then().statusCode(200).body("pending.effectiveAt", equalTo(effectiveAt));
    assertEquals(events, fixtures.eventTypesForUser(payer.user()).size());

    put(payer.user(), 100L, null).then()
        .statusCode(200)
        .body("caps.dailyCapMinor", equalTo(100))
        .body("pending", nullValue());
    assertEquals(
        0,
        fixtures.longValue(
            "select count(*) from user_caps where user_id = $1 and (pending_daily_clear or pending_daily_cap_minor"
                + " is not null or pending_effective_at is not null)",
            payer.user()));
    refusedByLimit(payer, 150, "USER_DAILY_CAP");
    assertEquals(List.of("limit.changed", "limit.changed", "limit.changed"),
        fixtures.eventTypesForUser(payer.user()).stream().filter(t -> t.startsWith("limit.changed")).toList());
  }

  @Test
  void twentyConcurrentChargesCannotTogetherPassADailyCap() throws Exception {
    Payer payer = aPayer(10_000, 1_000);
    long cap = 1_000;
    put(payer.user(), cap, null).then().statusCode(200);

    int attempts = 20;
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return charge(plain, payer.merchant(), payer.user(), 100).getStatus().name();
                  } catch (StatusRuntimeException e) {
                    return reason(e);
                  }
                }));
      }
      start.countDown();
      long succeeded = 0;
      for (Future<String> outcome : outcomes) {
        String result = outcome.get(60, TimeUnit.SECONDS);
        if (result.equals(ChargeStatus.CHARGE_STATUS_SUCCEEDED.name())) {
          succeeded++;
        } else {
          assertEquals("LIMIT_EXCEEDED", result);
        }
      }
      long charged = succeeded * 100;
      assertTrue(charged <= cap, "charged " + charged + " past the cap of " + cap);
      assertEquals(cap, charged, "every charge up to the cap went through");
      assertEquals(10_000 - charged, fixtures.balance(payer.user(), "EUR"));
      assertEquals(
          charged,
          fixtures.longValue(
              "select spent_minor from spend_counters where user_id = $1 and currency = 'EUR' and period = 'D'",
              payer.user()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesBadInputAndWritesNothing() {
    UUID user = UUID.randomUUID();
    String token = userToken(user);

    as(token).get("/v1/limits").then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "missing-field"));
    as(token).get("/v1/limits?currency=EURO").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURRENCY"));
    as(token).get("/v1/limits?currency=JPY").then()
        .statusCode(422).contentType(PROBLEM).body("reason", equalTo("CURRENCY_NOT_SUPPORTED"));

    as(token).body(Map.of("dailyCapMinor", 100)).put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_FIELD"))
        .body("detail", startsWith("monthlyCapMinor"));
    as(token).body(Map.of("dailyCapMinor", 1.5, "monthlyCapMinor", 100)).put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CAP"));
    as(token).body(Map.of("dailyCapMinor", -1, "monthlyCapMinor", 100)).put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CAP"));
    as(token).body(Map.of("dailyCapMinor", "100", "monthlyCapMinor", 100)).put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CAP"));
    as(token).body(Map.of("dailyCapMinor", new java.math.BigInteger("99999999999999999999"), "monthlyCapMinor", 1))
        .put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CAP"));
    as(token).body("[1, 2]").put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MALFORMED_BODY"));
    as(token).body("{\"dailyCapMinor\": ").put("/v1/limits/EUR").then()
        .statusCode(400).contentType(PROBLEM).body("reason", not(equalTo("INTERNAL")));
    as(token).body(caps(100L, null)).put("/v1/limits/EURO").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURRENCY"));
    as(token).body(caps(100L, null)).put("/v1/limits/JPY").then()
        .statusCode(422).contentType(PROBLEM).body("reason", equalTo("CURRENCY_NOT_SUPPORTED"));

    assertEquals(0, fixtures.longValue("select count(*) from user_caps where user_id = $1", user));
    assertEquals(0, fixtures.longValue("select count(*) from outbox where user_id = $1", user));
  }

  @Test
  void onlyThePersonThemselvesReadsOrSetsTheirCaps() {
    anonymous().get("/v1/limits?currency=EUR").then()
        .statusCode(401).contentType(PROBLEM).body("reason", equalTo("UNAUTHENTICATED"));
    anonymous().body(caps(1L, 1L)).put("/v1/limits/EUR").then().statusCode(401).contentType(PROBLEM);
    String partner = partnerToken("fcl_caps_" + UUID.randomUUID().toString().substring(0, 8));
    as(partner).get("/v1/limits?currency=EUR").then()
        .statusCode(403).contentType(PROBLEM).body("reason", equalTo("FORBIDDEN"));
    as(partner).body(caps(1L, 1L)).put("/v1/limits/EUR").then().statusCode(403).contentType(PROBLEM);
  }
}
