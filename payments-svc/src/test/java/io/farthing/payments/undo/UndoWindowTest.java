package io.farthing.payments.undo;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The windows, with {@code payments.undo.window=PT0S} and {@code payments.disputes.window=PT0S}
 * (one profile, one start of the app): every charge is past them the moment it is
 * captured (the ledger is append-only, so a test cannot age a capture posting instead).
 */
@QuarkusTest
@TestProfile(UndoWindowTest.NoWindow.class)
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class UndoWindowTest {
  public static class NoWindow implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("payments.undo.window", "PT0S", "payments.disputes.window", "PT0S");
    }
  }

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  @Test
  void aChargePastTheWindowCannotBeUndoneAndNothingMoves() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge =
        withToken(plain, TestTokens.client(partner, "payments:charge")).createCharge(aCharge(user, 200).build());

    UndoTest.undo(user, charge.getChargeId()).then()
        .statusCode(422)
        .contentType(UndoTest.PROBLEM)
        .body("reason", equalTo("UNDO_WINDOW_PASSED"));

    assertEquals(800, fixtures.balance(user, "EUR"));
    assertEquals(List.of("charge.succeeded"), fixtures.eventsOf(charge.getChargeId()));
  }

  @Test
  void aChargePastTheDisputeWindowCannotBeDisputedAndNothingMoves() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge =
        withToken(plain, TestTokens.client(partner, "payments:charge")).createCharge(aCharge(user, 60).build());

    io.restassured.RestAssured.given().auth().oauth2(TestTokens.user(user, "user"))
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(io.restassured.http.ContentType.JSON).body(Map.of("reason", "NOT_RECEIVED"))
        .post("/v1/charges/" + charge.getChargeId() + "/disputes").then()
        .statusCode(422)
        .contentType(UndoTest.PROBLEM)
        .body("reason", equalTo("DISPUTE_WINDOW_PASSED"));

    assertEquals(940, fixtures.balance(user, "EUR"));
    assertEquals(0, fixtures.longValue("select count(*) from disputes where user_id = $1", user));
  }
}
