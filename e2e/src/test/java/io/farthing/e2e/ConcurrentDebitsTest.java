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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Money rule 3 across replicas: 200 charges on one wallet, sent at once and alternately through
 * both payments-svc instances, asking for more than the wallet holds in total. Exactly as many
 * succeed as the balance pays for, the rest are refused for insufficient funds, and the wallet
 * ends at what it held minus what succeeded, never below zero.
 */
@ExtendWith(E2eExtension.class)
class ConcurrentDebitsTest {
  private static final int CHARGES = 200;
  private static final long AMOUNT = 150;
  private static final long FUNDED = 20_000;

  private static Platform platform;

  @BeforeAll
  static void riskPolicy() {
    platform = E2eExtension.suite().platform();
    LoadRiskPolicy.apply(platform);
  }

  @AfterAll
  static void restoreRiskPolicy() {
    LoadRiskPolicy.restore(platform);
  }

  @Test
  void twoHundredConcurrentDebitsOnOneWalletNeverOverdrawIt() throws Exception {
    Partner partner = platform.newPartner("burst", LoadRiskPolicy.CATEGORY);
    User user = platform.newUser("burst");
    // Tier 3: the burst is 300.00 EUR in a minute, far above the default tier's day and wallet.
    platform.setKycTier(user, 3);
    platform.topUp(user, FUNDED, 0);
    platform.consent(user, partner, 1_000);
    assertEquals(FUNDED, platform.balance(user, 1));

    ExecutorService callers = Executors.newFixedThreadPool(CHARGES);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Grpc.Outcome<Charge>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < CHARGES; i++) {
        int first = i;
        CreateChargeRequest request = CreateChargeRequest.newBuilder()
            .setIdempotencyKey("burst-" + i + "-" + UUID.randomUUID())
            .setUserId(user.id().toString())
            .setAmount(eur(AMOUNT))
            .setDescription("burst " + i)
            .build();
        answers.add(callers.submit(() -> {
          go.await();
          // Alternate instances; a retry (same key) goes to the other one.
          return Charges.definitive(attempt -> Grpc.attempt(
              () -> platform.partnerApi(partner, first + attempt).withDeadlineAfter(60, TimeUnit.SECONDS)
                  .createCharge(request)));
        }));
      }
      go.countDown();
      Map<String, Integer> outcomes = new TreeMap<>();
      long succeeded = 0;
      for (Future<Grpc.Outcome<Charge>> answer : answers) {
        Grpc.Outcome<Charge> outcome = answer.get(120, TimeUnit.SECONDS);
        String key = outcome.ok() ? outcome.value().getStatus().name() : outcome.code() + " " + outcome.reason();
        outcomes.merge(key, 1, Integer::sum);
        if (outcome.ok() && outcome.value().getStatus() == ChargeStatus.CHARGE_STATUS_SUCCEEDED) {
          succeeded++;
          if (outcome.value().getRiskDecisionId().isEmpty()) {
            outcomes.merge("(of which decided by the fallback policy)", 1, Integer::sum);
          }
        }
      }
      System.out.println("[e2e] 200 concurrent debits: " + outcomes);

      long expected = FUNDED / AMOUNT;
      assertEquals(expected, succeeded, () -> "successes; all outcomes " + outcomes);
      assertEquals((int) (CHARGES - expected), outcomes.getOrDefault("FAILED_PRECONDITION INSUFFICIENT_FUNDS", 0),
          () -> "the rest are refused for insufficient funds; all outcomes " + outcomes);
      long left = FUNDED - AMOUNT * succeeded;
      assertTrue(left >= 0);
      assertEquals(left, platform.balance(user, 0));
      assertEquals(left, platform.balance(user, 1));

      List<Charge> listed = Charges.list(platform, partner, user.id(), 1);
      assertEquals(CHARGES, listed.size(), "every attempt is a charge the partner can see (refused ones FAILED)");
      assertEquals(succeeded, listed.stream().filter(c -> c.getStatus() == ChargeStatus.CHARGE_STATUS_SUCCEEDED).count());
      assertEquals(AMOUNT * succeeded, listed.stream().mapToLong(c -> c.getCaptured().getAmountMinor()).sum());
    } finally {
      callers.shutdownNow();
    }
  }
}
