package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.e2e.harness.Charges;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.LoadRiskPolicy;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeByIdempotencyKeyRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Money rule 4 across replicas: one idempotency key sent to both payments-svc instances at the
 * same moment makes exactly one charge; every answer names that charge or says the key is in use;
 * later retries on either instance replay it; the same key for another amount is a conflict.
 */
@ExtendWith(E2eExtension.class)
class IdempotencyAcrossInstancesTest {
  private static final int SENDERS = 8;

  private static Platform platform;
  private static Partner partner;

  @BeforeAll
  static void partner() {
    platform = E2eExtension.suite().platform();
    LoadRiskPolicy.apply(platform);
    partner = platform.newPartner("retries", LoadRiskPolicy.CATEGORY);
  }

  @AfterAll
  static void restoreRiskPolicy() {
    LoadRiskPolicy.restore(platform);
  }

  @Test
  void oneKeySentToBothInstancesAtOnceMakesExactlyOneCharge() throws Exception {
    User user = platform.newUser("retry");
    platform.topUp(user, 1_000, 1);
    platform.consent(user, partner, 500);
    String key = "same-key-" + UUID.randomUUID();
    CreateChargeRequest request = CreateChargeRequest.newBuilder()
        .setIdempotencyKey(key)
        .setUserId(user.id().toString())
        .setAmount(eur(150))
        .setDescription("sent eight times")
        .build();

    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Grpc.Outcome<Charge>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < SENDERS; i++) {
        int instance = i;
        answers.add(senders.submit(() -> {
          go.await();
          return Grpc.attempt(() -> platform.partnerApi(partner, instance).createCharge(request));
        }));
      }
      go.countDown();
      List<Grpc.Outcome<Charge>> outcomes = new ArrayList<>();
      for (Future<Grpc.Outcome<Charge>> answer : answers) {
        outcomes.add(answer.get(60, TimeUnit.SECONDS));
      }
      Map<String, Long> seen = outcomes.stream().collect(Collectors.groupingBy(Object::toString, TreeMap::new, Collectors.counting()));
      System.out.println("[e2e] one key, eight senders: " + seen);

      Set<String> chargeIds = outcomes.stream().filter(Grpc.Outcome::ok).map(o -> o.value().getChargeId()).collect(Collectors.toSet());
      assertTrue(chargeIds.size() <= 1, () -> "answers name more than one charge: " + chargeIds);
      for (Grpc.Outcome<Charge> o : outcomes) {
        assertTrue(o.ok() || (o.code() == Status.Code.ABORTED && "IDEMPOTENCY_KEY_IN_USE".equals(o.reason())),
            () -> "unexpected answer " + o);
      }

      // The partner that lost every answer (all said "in use") looks the outcome up by its key.
      Grpc.Outcome<Charge> found = Charges.definitive(attempt -> {
        Grpc.Outcome<Charge> lookUp = Grpc.attempt(() -> platform.partnerApi(partner, attempt)
            .getChargeByIdempotencyKey(GetChargeByIdempotencyKeyRequest.newBuilder().setIdempotencyKey(key).build()));
        // Still in flight is NOT_FOUND: ask again, as a partner would.
        return !lookUp.ok() && lookUp.code() == Status.Code.NOT_FOUND
            ? new Grpc.Outcome<>(null, Status.Code.UNAVAILABLE, lookUp.reason(), lookUp.description())
            : lookUp;
      });
      assertTrue(found.ok(), found::toString);
      String chargeId = found.value().getChargeId();
      assertTrue(chargeIds.isEmpty() || chargeIds.equals(Set.of(chargeId)));
      assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, found.value().getStatus());

      for (int instance = 0; instance < 2; instance++) {
        Charge replayed = platform.partnerApi(partner, instance).createCharge(request);
        assertEquals(chargeId, replayed.getChargeId(), "a retry on either instance replays the first answer");
      }
      Grpc.Outcome<Charge> otherAmount = Grpc.attempt(() -> platform.partnerApi(partner, 1)
          .createCharge(request.toBuilder().setAmount(eur(151)).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, otherAmount.code(), otherAmount::toString);
      assertEquals("IDEMPOTENCY_KEY_REUSED", otherAmount.reason(), otherAmount::toString);

      List<Charge> listed = Charges.list(platform, partner, user.id(), 0);
      assertEquals(1, listed.size(), () -> "charges for the user: " + listed);
      assertEquals(850, platform.balance(user, 0), "debited once");
      assertEquals(850, platform.balance(user, 1));
    } finally {
      senders.shutdownNow();
    }
  }
}
