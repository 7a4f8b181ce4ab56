package io.farthing.bench.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who pays whom in the mixed workload, and the pool refunds and look-ups draw from. */
class MixTargetTest {
  private static ChargeSetup.Population population(int users, int merchants, int favourites) {
    List<ChargeSetup.Payer> payers = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      payers.add(new ChargeSetup.Payer(UUID.randomUUID(), null, "u" + i + "@bench.test", "pw"));
    }
    List<ChargeSetup.Partner> partners = new ArrayList<>();
    for (int m = 0; m < merchants; m++) {
      partners.add(new ChargeSetup.Partner("m" + m, "secret"));
    }
    return new ChargeSetup.Population(new ChargeSetup.Partner("shared", "s"), payers, partners, favourites, Map.of());
  }

  private static MixTarget target(ChargeSetup.Population population) {
    return new MixTarget(MixWeights.parse(MixWeights.DEFAULT), List.of(), population, p -> "t", p -> "u",
        "http://127.0.0.1:1", HttpClient.newHttpClient(), new MixTarget.ChargePool(), "k-", 1_000_000_000L);
  }

  @Test
  void everyPayerIsChargedOnlyByMerchantsItConsentedTo() {
    ChargeSetup.Population population = population(1_000, 100, 3);
    MixTarget target = target(population);
    Set<Integer> merchantsUsed = new HashSet<>();
    for (long seq = 0; seq < 10_000; seq++) {
      int payer = target.payerIndex(seq);
      Set<Integer> consented = new HashSet<>();
      for (int j = 0; j < 3; j++) {
        consented.add(ChargeSetup.favourite(payer, j, 100));
      }
      assertEquals(3, consented.size(), "three distinct favourites");
      assertTrue(consented.contains(target.merchantIndex(seq)), "payer " + payer + " charged by a merchant it consented to");
      merchantsUsed.add(target.merchantIndex(seq));
    }
    assertEquals(100, merchantsUsed.size(), "every merchant charges someone");
  }

  @Test
  void nobodySendsMoneyToThemselves() {
    MixTarget target = target(population(2, 1, 1));
    for (long seq = 0; seq < 1_000; seq++) {
      assertNotEquals(target.payerIndex(seq), target.recipientIndex(seq));
    }
    MixTarget many = target(population(1_000, 10, 2));
    Set<Integer> recipients = new HashSet<>();
    for (long seq = 0; seq < 5_000; seq++) {
      assertNotEquals(many.payerIndex(seq), many.recipientIndex(seq));
      recipients.add(many.recipientIndex(seq));
    }
    assertTrue(recipients.size() > 900, "recipients spread over the payers: " + recipients.size());
  }

  @Test
  void amountsStayWithinTheirRanges() {
    for (long seq = 0; seq < 10_000; seq++) {
      long transfer = MixTarget.transferAmount(seq);
      long topUp = MixTarget.topUpAmount(seq);
      assertTrue(transfer >= 10 && transfer < 100, "transfer " + transfer);
      assertTrue(topUp >= 500 && topUp < 2_000, "top-up " + topUp);
    }
  }

  @Test
  void eachChargeIsHandedOutForARefundOnceOldestFirst() {
    MixTarget.ChargePool pool = new MixTarget.ChargePool();
    assertNull(pool.takeForRefund());
    assertNull(pool.recent(42));
    for (int i = 0; i < 10; i++) {
      pool.add(new MixTarget.ChargeRef("c" + i, i % 3));
    }
    assertEquals(10, pool.refundable());
    assertEquals("c0", pool.takeForRefund().chargeId());
    assertEquals("c1", pool.takeForRefund().chargeId());
    assertEquals(8, pool.refundable());
    Set<String> handedOut = new HashSet<>();
    MixTarget.ChargeRef c;
    while ((c = pool.takeForRefund()) != null) {
      assertTrue(handedOut.add(c.chargeId()), "handed out twice: " + c.chargeId());
    }
    assertEquals(8, handedOut.size());
    assertEquals(0, pool.refundable());
    // Look-ups still find the charges that were refunded: a refunded charge can be read.
    for (long h = 0; h < 100; h++) {
      assertTrue(pool.recent(h).chargeId().matches("c\\d"));
    }
  }
}
