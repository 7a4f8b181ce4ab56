package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.harness.AlertStream;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Http;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.AcceptDisputeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.Dispute;
import io.farthing.proto.payments.v1.DisputeStatus;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispute through every real service: the user disputes on one payments-svc replica, the
 * merchant accepts over gRPC on the other, the money comes back, risk-svc's decision for the
 * charge records OUTCOME_DISPUTE_LOST (through payments-svc's risk outbox and the real
 * ReportOutcome), and notify-svc shows the user the outcome.
 */
@ExtendWith(E2eExtension.class)
class DisputeJourneyTest {
  @Test
  void aDisputeTheMerchantAcceptsRefundsTheUserAndReachesRiskAndTheUsersAlerts() {
    Platform platform = E2eExtension.suite().platform();
    Partner partner = platform.newPartner("disputed", "news");
    User user = platform.newUser("disputing");
    platform.topUp(user, 2_000, 0);
    platform.consent(user, partner, 1_000);
    Charge charge = platform.partnerApi(partner, 0).createCharge(CreateChargeRequest.newBuilder()
        .setIdempotencyKey("dispute-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(400))
        .setDescription("Long read")
        .build());
    assertEquals(1_600, platform.balance(user, 0));

    try (AlertStream stream = AlertStream.open(platform.notifySvc(), user.token())) {
      Http.Reply opened = platform.http().post(
          platform.payments(1) + "/v1/charges/" + charge.getChargeId() + "/disputes", user.token(),
          Map.of("reason", "NOT_AS_DESCRIBED", "note", "half the article was missing"),
          Map.of("Idempotency-Key", "dispute-" + UUID.randomUUID())).expect(201);
      assertEquals("OPEN", opened.body().path("status").asText(), opened.raw());
      String disputeId = opened.body().path("id").asText();

      Dispute accepted = platform.disputesApi(partner, 0).acceptDispute(AcceptDisputeRequest.newBuilder()
          .setIdempotencyKey("accept-" + UUID.randomUUID()).setDisputeId(disputeId).build());

      assertEquals(DisputeStatus.DISPUTE_STATUS_LOST, accepted.getStatus());
      assertEquals(400, accepted.getRefunded().getAmountMinor());
      assertEquals(2_000, platform.balance(user, 1));
      JsonNode alert = stream.alertFor("dispute.resolved", charge.getChargeId(), Duration.ofSeconds(20));
      assertNotNull(alert, "the user was told the outcome");
      assertTrue(alert.path("body").asText().contains("€4.00 is back in your wallet"), alert::toString);
    }

    String decision = charge.getRiskDecisionId();
    assertTrue(!decision.isEmpty(), "risk-svc scored the charge");
    JsonNode outcomes = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      outcomes = platform.http().get(platform.risk() + "/admin/v1/decisions/" + decision, platform.admin())
          .expect(200).body().path("outcomes");
      if (outcomes.toString().contains("DISPUTE_LOST")) {
        break;
      }
      sleep();
    }
    assertTrue(String.valueOf(outcomes).contains("DISPUTE_LOST"), "risk-svc's decision shows " + outcomes);
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
