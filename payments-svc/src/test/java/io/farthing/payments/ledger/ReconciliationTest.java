package io.farthing.payments.ledger;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.anonymous;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.authorize;
import static io.farthing.payments.admin.TestCalls.capture;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.refund;
import static io.farthing.payments.admin.TestCalls.support;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.payments.admin.TestCalls.voidCharge;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ReconciliationTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;
  @Inject Reconciliation reconciliation;

  Response runNow() {
    Response run = as(admin()).post("/admin/v1/reconciliation/runs");
    run.then().statusCode(201);
    return run;
  }

  /**
   * Charges, a partial capture, a void, a refund and top-ups: every kind of posting there is. Each
   * amount stays below the risk fallback's allow-below (200), so a slow risk stand-in cannot turn a
   * charge into a challenge.
   */
  void aMixOfMovements() {
    String merchant = fixtures.aMerchant();
    UUID user = fixtures.payer(merchant, 1_000, 500);
    Charge paid = charge(plain, merchant, user, 100);
    Charge held = authorize(plain, merchant, user, 190);
    capture(plain, merchant, held.getChargeId(), 150);
    Charge voided = authorize(plain, merchant, user, 50);
    voidCharge(plain, merchant, voided.getChargeId());
    authorize(plain, merchant, user, 70); // still held: the holds account must match it
    refund(plain, merchant, paid.getChargeId(), 30);
    fixtures.fund(user, "EUR", 250);
    assertEquals(1_000 - 100 - 150 - 70 + 30 + 250, fixtures.balance(user, "EUR"));
  }

  @Test
  void afterChargesRefundsAndFundingsTheRunFindsNoDrift() {
    aMixOfMovements();

    Response run = runNow();
    run.then()
        .header("Location", endsWith("/admin/v1/reconciliation/runs/" + run.path("id")))
        .body("trigger", equalTo("MANUAL"))
        .body("drift", equalTo(false))
        .body("problems", equalTo(0))
        .body("summary", startsWith("No drift"))
        .body("wallets.drifting", equalTo(0))
        .body("wallets.drifts", equalTo(List.of()))
        .body("postings.unbalanced", equalTo(0))
        .body("postings.tooFewEntries", equalTo(0));
    List<Map<String, Object>> currencies = run.path("currencies");
    Map<String, Object> eur = currencies.stream().filter(c -> "EUR".equals(c.get("currency"))).findFirst().orElseThrow();
    assertEquals(0L, ((Number) eur.get("entriesTotalMinor")).longValue());
    assertEquals(true, eur.get("balanced"));
    assertEquals(true, eur.get("holdsMatchAuthorizedCharges"));
    @SuppressWarnings("unchecked")
    Map<String, Number> kinds = (Map<String, Number>) eur.get("byKind");
    long sum = kinds.values().stream().mapToLong(Number::longValue).sum();
    assertEquals(0, sum, "funding + merchants + fees + holds + wallets = 0: " + kinds);
    assertTrue(kinds.get("funding").longValue() < 0, "funding is minus what came in");
    assertTrue(kinds.get("holds").longValue() >= 70, "the open hold is on the holds account");
    assertEquals(kinds.get("wallets").longValue(), ((Number) eur.get("walletsCachedMinor")).longValue());

    as(support()).get("/admin/v1/reconciliation/runs/latest").then()
        .statusCode(200).body("id", equalTo(run.path("id"))).body("drift", equalTo(false));
    as(support()).get("/admin/v1/reconciliation/runs/" + run.path("id")).then()
        .statusCode(200).body("summary", equalTo(run.path("summary")));
  }

  @Test
  void aCorruptedCachedBalanceIsReportedExactlyWithItsAmount() {
    aMixOfMovements();
    UUID user = UUID.randomUUID();
    UUID wallet = fixtures.fund(user, "EUR", 700);
    runNow().then().body("drift", equalTo(false));

    fixtures.update("update wallets set balance_minor = balance_minor + 13 where id = $1", wallet);
    try {
      Response run = runNow();
      run.then()
          .body("drift", equalTo(true))
          .body("problems", equalTo(1))
          .body("summary", startsWith("DRIFT: 1 wallet(s)"))
          .body("wallets.drifting", equalTo(1))
          .body("wallets.drifts.size()", equalTo(1))
          .body("wallets.drifts[0].walletId", equalTo(wallet.toString()))
          .body("wallets.drifts[0].userId", equalTo(user.toString()))
          .body("wallets.drifts[0].currency", equalTo("EUR"))
          .body("wallets.drifts[0].cachedBalanceMinor", equalTo(713))
          .body("wallets.drifts[0].entriesSumMinor", equalTo(700))
          .body("wallets.drifts[0].driftMinor", equalTo(13))
          .body("postings.unbalanced", equalTo(0));
      as(support()).get("/admin/v1/reconciliation/runs/latest").then()
          .statusCode(200).body("id", equalTo(run.path("id"))).body("drift", equalTo(true));
    } finally {
      fixtures.update("update wallets set balance_minor = balance_minor - 13 where id = $1", wallet);
    }
    runNow().then().body("drift", equalTo(false));
  }

  @Test
  void oneRunAtATimeAcrossReplicas() throws Exception {
    var config = ConfigProvider.getConfig();
    String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
    String user = config.getValue("quarkus.datasource.username", String.class);
    String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
    // Another replica's run, as far as the lock is concerned.
    try (Connection other = DriverManager.getConnection(url, user, password)) {
      try (PreparedStatement lock = other.prepareStatement("select pg_advisory_lock(?)")) {
        lock.setLong(1, ReconciliationRepository.LOCK_KEY);
        lock.execute();
      }
      as(admin()).post("/admin/v1/reconciliation/runs").then()
          .statusCode(409)
          .contentType(PROBLEM)
          .header("Retry-After", equalTo("5"))
          .body("reason", equalTo(Reconciliation.IN_PROGRESS));
      assertTrue(reconciliation.runScheduled().await().indefinitely().isEmpty(), "a scheduled run skips");
      try (PreparedStatement unlock = other.prepareStatement("select pg_advisory_unlock(?)")) {
        unlock.setLong(1, ReconciliationRepository.LOCK_KEY);
        unlock.execute();
      }
    }
    runNow();
  }

  @Test
  void scheduledRunsOnSeveralReplicasMakeOneRunPerInterval() {
    // As if every earlier run was long ago.
    fixtures.update("update reconciliation_runs set started_at = started_at - interval '1 hour'");
    var first = reconciliation.runScheduled().await().indefinitely();
    assertTrue(first.isPresent());
    assertEquals("SCHEDULED", first.get().trigger());
    assertFalse(first.get().drift());
    // Another replica's turn comes right after: the run is recent, so it skips.
    assertTrue(reconciliation.runScheduled().await().indefinitely().isEmpty());
    as(support()).get("/admin/v1/reconciliation/runs/latest").then()
        .statusCode(200).body("id", equalTo(first.get().id().toString())).body("trigger", equalTo("SCHEDULED"));
  }

  @Test
  void supportReadsRunsButOnlyAdminsStartThem() {
    as(support()).post("/admin/v1/reconciliation/runs").then().statusCode(403).contentType(PROBLEM);
    as(userToken(UUID.randomUUID())).get("/admin/v1/reconciliation/runs/latest").then()
        .statusCode(403).contentType(PROBLEM);
    anonymous().post("/admin/v1/reconciliation/runs").then().statusCode(401).contentType(PROBLEM);
    as(support()).get("/admin/v1/reconciliation/runs/nope").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_ID"));
    as(support()).get("/admin/v1/reconciliation/runs/" + UUID.randomUUID()).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo(Reconciliation.NOT_FOUND));
  }
}
