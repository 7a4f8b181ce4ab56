package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.harness.AlertStream;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The person's side of a charge, through every real service: payments-svc captures, its outbox
 * relay publishes, notify-svc stores the alert and pushes it down the user's SSE stream — within
 * a second of the capture, with what the user needs to see (amount, merchant, fee, what is left
 * of the daily cap).
 */
@ExtendWith(E2eExtension.class)
class CaptureToAlertTest {
  @Test
  void theUsersAlertStreamShowsACaptureWithinASecondWithAmountMerchantFeeAndCapLeft() {
    Platform platform = E2eExtension.suite().platform();
    Partner partner = platform.newPartner("alerting", "games");
    User user = platform.newUser("alerted");
    platform.topUp(user, 2_000, 0);
    platform.consent(user, partner, 500);
    Map<String, Object> caps = new java.util.HashMap<>();
    caps.put("dailyCapMinor", 1_000);
    caps.put("monthlyCapMinor", null);
    platform.http().put(platform.payments(0) + "/v1/limits/EUR", user.token(), caps).expect(200);

    try (AlertStream stream = AlertStream.open(platform.notifySvc(), user.token())) {
      // The first alert after start-up also warms the path (class loading, JIT); the second one is
      // the one measured.
      Charge first = charge(platform, partner, user, 150);
      JsonNode warm = stream.alertFor(first.getChargeId(), Duration.ofSeconds(20));
      assertNotNull(warm, "the first charge's alert arrived");

      Charge charge = charge(platform, partner, user, 120);
      long captured = System.nanoTime();
      JsonNode alert = stream.alertFor(charge.getChargeId(), Duration.ofSeconds(10));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - captured);
      System.out.printf("[e2e] capture → alert on the user's SSE stream: %d ms%n", millis);

      assertNotNull(alert, "the charge's alert arrived");
      assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge.getStatus());
      assertEquals("charge.succeeded", alert.path("type").asText());
      JsonNode data = alert.path("data");
      assertEquals(120, data.path("amountMinor").asLong());
      assertEquals(charge.getFee().getAmountMinor(), data.path("feeMinor").asLong());
      assertEquals("EUR", data.path("currency").asText());
      assertEquals(1_000 - 150 - 120, data.path("dailyCapRemainingMinor").asLong(), data::toString);
      assertTrue(alert.path("body").asText().contains("€1.20"), alert::toString);
      String merchant = data.path("merchantName").asText();
      assertTrue(!merchant.isBlank() && alert.path("body").asText().contains(merchant), alert::toString);
      assertTrue(millis <= 1_000, "the alert took " + millis + " ms after the capture answered");
    }
  }

  private static Charge charge(Platform platform, Partner partner, User user, long amountMinor) {
    return platform.partnerApi(partner, 1).createCharge(CreateChargeRequest.newBuilder()
        .setIdempotencyKey("alert-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(amountMinor))
        .setDescription("Article")
        .build());
  }
}
