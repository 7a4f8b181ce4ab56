package io.farthing.payments.outbox;

import static io.farthing.payments.charge.ChargeLifecycleTest.aCharge;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.FakeNotify;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every event written with the money reaches notify-svc, once accepted, even after failures. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class OutboxRelayTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  @Test
  void aChargesEventReachesNotifyWithItsDataEvenAfterNotifyFailedForAWhile() throws Exception {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    FakeNotify.FAILURES_LEFT.set(3);

    Charge charge =
        withToken(plain, TestTokens.client(partner, "payments:charge")).createCharge(aCharge(user, 100).build());

    Event event = awaitEvent("charge:" + charge.getChargeId());
    assertEquals("charge.succeeded", event.getType());
    assertEquals(user.toString(), event.getUserId());
    assertEquals(partner, event.getPartnerClientId());
    assertEquals(100, (long) event.getData().getFieldsOrThrow("amountMinor").getNumberValue());
    assertEquals("SUCCEEDED", event.getData().getFieldsOrThrow("status").getStringValue());
    assertEquals(
        1,
        fixtures.longValue(
            "select count(*) from outbox where ordering_key = $1 and published_at is not null",
            "charge:" + charge.getChargeId()));
  }

  private Event awaitEvent(String orderingKey) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (Event event : FakeNotify.EVENTS.values()) {
        if (event.getOrderingKey().equals(orderingKey)) {
          return event;
        }
      }
      Thread.sleep(100);
    }
    assertTrue(false, "no event for " + orderingKey + " reached notify-svc");
    return null;
  }
}
