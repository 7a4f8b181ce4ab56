package io.farthing.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farthing.e2e.faults.FaultInvariants.AckedCharge;
import io.farthing.e2e.faults.FaultInvariants.AckedRefund;
import io.farthing.e2e.faults.FaultInvariants.AckedTopUp;
import io.farthing.e2e.faults.FaultInvariants.AckedTransfer;
import io.farthing.e2e.faults.FaultInvariants.DbCharge;
import io.farthing.e2e.faults.FaultInvariants.DbRefund;
import io.farthing.e2e.faults.FaultInvariants.DbTopUp;
import io.farthing.e2e.faults.FaultInvariants.DbTransfer;
import io.farthing.e2e.faults.FaultInvariants.Delivery;
import io.farthing.e2e.faults.FaultInvariants.KeyRow;
import io.farthing.e2e.faults.FaultInvariants.Wallet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each invariant of the fault run holds on a consistent picture and fails on one broken on
 * purpose: a checker that cannot fail would prove nothing. No services needed.
 */
class FaultInvariantsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  // A consistent world: Ann topped up 10.00, paid 3.00 (1.00 refunded), holds 2.00 on an
  // authorization, sent Bob 1.50. Bob topped up 5.00.
  private static final String ANN = "ann";
  private static final String BOB = "bob";
  private final List<DbTopUp> topUps = new ArrayList<>(List.of(
      new DbTopUp("t1", ANN, 1000, "SUCCEEDED"), new DbTopUp("t2", BOB, 500, "SUCCEEDED"), new DbTopUp("t3", BOB, 700, "FAILED")));
  private final List<DbCharge> charges = new ArrayList<>(List.of(
      new DbCharge("c1", "p", ANN, 300, 300, 100, 0, "PARTIALLY_REFUNDED"),
      new DbCharge("c2", "p", ANN, 200, 0, 0, 200, "AUTHORIZED"),
      new DbCharge("c3", "p", BOB, 250, 0, 0, 0, "FAILED")));
  private final List<DbRefund> refunds = new ArrayList<>(List.of(new DbRefund("r1", "c1", 100)));
  private final List<DbTransfer> transfers = new ArrayList<>(List.of(new DbTransfer("x1", ANN, BOB, 150)));
  private final List<Wallet> wallets = new ArrayList<>(List.of(
      new Wallet("w1", ANN, 1000 - 300 + 100 - 200 - 150, 1000 - 300 + 100 - 200 - 150), new Wallet("w2", BOB, 650, 650)));
  private final List<KeyRow> keys = new ArrayList<>(List.of(
      new KeyRow("p", "k1", "CreateCharge", "c1"), new KeyRow("p", "k2", "CreateCharge", "c2"),
      new KeyRow("p", "k3", "CreateCharge", "c3"), new KeyRow("user:ann", "kt1", "CreateTopUp", "t1"),
      new KeyRow("user:bob", "kt2", "CreateTopUp", "t2"), new KeyRow("user:bob", "kt3", "CreateTopUp", "t3"),
      new KeyRow("user:ann", "kx1", "CreateTransfer", "x1")));
  private final Set<String> sent = Set.of("k1", "k2", "k3", "k4", "kt1", "kt2", "kt3", "kx1");
  private final List<AckedCharge> acked = new ArrayList<>(List.of(
      new AckedCharge("p", "k1", "c1", ANN, 300, "SUCCEEDED", false),
      new AckedCharge("p", "k2", "c2", ANN, 200, "AUTHORIZED", false),
      new AckedCharge("p", "k3", null, BOB, 250, null, false)));

  private Map<String, Collection<String>> resources() {
    return Map.of(
        "CreateCharge", charges.stream().map(DbCharge::id).toList(),
        "CreateTopUp", topUps.stream().map(DbTopUp::id).toList(),
        "CreateTransfer", transfers.stream().map(DbTransfer::id).toList());
  }

  private List<String> balances() {
    return FaultInvariants.balancesAddUp(List.of(ANN, BOB), wallets, topUps, charges, refunds, transfers,
        List.of(new AckedTopUp(ANN, "kt1", "t1", 1000)), List.of(new AckedTransfer("kx1", "x1", ANN, BOB, 150)),
        List.of(new AckedRefund("c1", "r1", 100)));
  }

  @Test
  void aConsistentWorldPassesEveryCheck() {
    assertEquals(List.of(), FaultInvariants.ledgerBalanced(List.of(), Map.of("EUR", 0L), wallets));
    assertEquals(List.of(), FaultInvariants.noNegativeWallet(wallets));
    assertEquals(List.of(), FaultInvariants.ackedChargesPresent(acked, charges, keys));
    assertEquals(List.of(), FaultInvariants.oneResourcePerKey(resources(), keys, sent));
    assertEquals(List.of(), balances());
    assertEquals(List.of(), FaultInvariants.outboxDeliveredOnce(0, List.of("e1", "e2"), List.of("e2", "e1")));
    assertEquals(List.of(), FaultInvariants.webhooksDeliveredOrParked(List.of("e1", "e2"),
        List.of(new Delivery("d1", "e1", "DELIVERED"), new Delivery("d2", "e2", "PARKED")), Set.of("e1"), 0));
    assertEquals(List.of(), FaultInvariants.reconciliationClean(cleanRun()));
  }

  @Test
  void anUnbalancedLedgerFails() {
    assertFalse(FaultInvariants.ledgerBalanced(List.of("posting x EUR sums to 5"), Map.of("EUR", 0L), wallets).isEmpty());
    assertFalse(FaultInvariants.ledgerBalanced(List.of(), Map.of("EUR", 5L), wallets).isEmpty());
    wallets.set(1, new Wallet("w2", BOB, 650, 640));
    assertFalse(FaultInvariants.ledgerBalanced(List.of(), Map.of("EUR", 0L), wallets).isEmpty());
  }

  @Test
  void aReconciliationRunWithDriftFails() {
    ObjectNode drift = cleanRun();
    drift.put("drift", true);
    assertFalse(FaultInvariants.reconciliationClean(drift).isEmpty());
    ObjectNode unbalanced = cleanRun();
    ((ObjectNode) unbalanced.path("currencies").get(0)).put("entriesTotalMinor", 3);
    assertFalse(FaultInvariants.reconciliationClean(unbalanced).isEmpty());
    ObjectNode leak = cleanRun();
    ((ObjectNode) leak.path("currencies").get(0).path("byKind")).put("merchants", 231);
    assertFalse(FaultInvariants.reconciliationClean(leak).isEmpty());
  }

  @Test
  void aNegativeWalletFails() {
    wallets.set(0, new Wallet("w1", ANN, -1, -1));
    assertFalse(FaultInvariants.noNegativeWallet(wallets).isEmpty());
  }

  @Test
  void aLostOrChangedAcknowledgedChargeFails() {
    List<DbCharge> lost = charges.subList(1, 3);
    assertFalse(FaultInvariants.ackedChargesPresent(acked, lost, keys).isEmpty(), "c1 lost");
    List<DbCharge> twice = new ArrayList<>(charges);
    twice.add(charges.get(0));
    assertFalse(FaultInvariants.ackedChargesPresent(acked, twice, keys).isEmpty(), "c1 twice");
    List<KeyRow> otherKey = new ArrayList<>(keys);
    otherKey.set(0, new KeyRow("p", "k1", "CreateCharge", "c2"));
    assertFalse(FaultInvariants.ackedChargesPresent(acked, charges, otherKey).isEmpty(), "k1 names another charge");
    List<DbCharge> back = new ArrayList<>(charges);
    back.set(0, new DbCharge("c1", "p", ANN, 300, 300, 0, 0, "AUTHORIZED"));
    assertFalse(FaultInvariants.ackedChargesPresent(acked, back, keys).isEmpty(), "SUCCEEDED → AUTHORIZED is illegal");
    List<DbCharge> moved = new ArrayList<>(charges);
    moved.set(2, new DbCharge("c3", "p", BOB, 250, 250, 0, 0, "SUCCEEDED"));
    assertFalse(FaultInvariants.ackedChargesPresent(acked, moved, keys).isEmpty(), "a refusal that charged");
    assertTrue(FaultInvariants.reachable("REQUIRES_ACTION", "REFUNDED"));
    assertFalse(FaultInvariants.reachable("VOIDED", "SUCCEEDED"));
  }

  @Test
  void aSecondChargeForOneKeyFails() {
    charges.add(new DbCharge("c4", "p", ANN, 300, 300, 0, 0, "SUCCEEDED"));
    assertFalse(FaultInvariants.oneResourcePerKey(resources(), keys, sent).isEmpty(), "a charge no key names");
    charges.remove(3);
    keys.add(new KeyRow("p", "k9", "CreateCharge", "c1"));
    assertFalse(FaultInvariants.oneResourcePerKey(resources(), keys, Set.of("k1", "k2", "k3", "k9", "kt1", "kt2", "kt3", "kx1"))
        .isEmpty(), "one charge named by two keys");
    keys.remove(keys.size() - 1);
    assertFalse(FaultInvariants.oneResourcePerKey(resources(), keys, Set.of("k1", "k2", "kt1", "kt2", "kt3", "kx1")).isEmpty(),
        "a key nobody sent");
  }

  @Test
  void aBalanceThatDoesNotAddUpFails() {
    wallets.set(1, new Wallet("w2", BOB, 651, 651));
    assertFalse(balances().isEmpty(), "a cent too many");
    wallets.set(1, new Wallet("w2", BOB, 650, 650));
    topUps.set(0, new DbTopUp("t1", ANN, 1000, "FAILED"));
    assertFalse(balances().isEmpty(), "an acknowledged top-up that is not SUCCEEDED");
    topUps.set(0, new DbTopUp("t1", ANN, 1000, "SUCCEEDED"));
    refunds.add(new DbRefund("r2", "c1", 50));
    assertFalse(balances().isEmpty(), "refunds beyond the charge's refunded amount");
    refunds.remove(1);
    transfers.clear();
    assertFalse(balances().isEmpty(), "an acknowledged transfer lost");
  }

  @Test
  void aChargeThroughTheFallbackAboveItsLimitFails() {
    List<AckedCharge> ok = List.of(new AckedCharge("p", "a", "c", ANN, 150, "SUCCEEDED", true),
        new AckedCharge("p", "b", "d", ANN, 250, "REQUIRES_ACTION", true));
    assertEquals(List.of(), FaultInvariants.fallbackPolicyHeld(ok, 200));
    assertFalse(FaultInvariants.fallbackPolicyHeld(List.of(new AckedCharge("p", "a", "c", ANN, 250, "SUCCEEDED", true)), 200)
        .isEmpty());
  }

  @Test
  void anUndeliveredOrDuplicatedEventFails() {
    assertFalse(FaultInvariants.outboxDeliveredOnce(1, List.of("e1"), List.of("e1")).isEmpty(), "pending");
    assertFalse(FaultInvariants.outboxDeliveredOnce(0, List.of("e1", "e2"), List.of("e1")).isEmpty(), "missing");
    assertFalse(FaultInvariants.outboxDeliveredOnce(0, List.of("e1"), List.of("e1", "e1")).isEmpty(), "twice");
    assertFalse(FaultInvariants.outboxDeliveredOnce(0, List.of("e1"), List.of("e1", "e9")).isEmpty(), "invented");
  }

  @Test
  void aWebhookNeitherDeliveredNorParkedFails() {
    List<Delivery> one = List.of(new Delivery("d1", "e1", "DELIVERED"));
    assertFalse(FaultInvariants.webhooksDeliveredOrParked(List.of("e1", "e2"), one, Set.of("e1"), 0).isEmpty(), "no delivery");
    assertFalse(FaultInvariants.webhooksDeliveredOrParked(List.of("e1"), List.of(new Delivery("d1", "e1", "PENDING")),
        Set.of(), 0).isEmpty(), "pending");
    assertFalse(FaultInvariants.webhooksDeliveredOrParked(List.of("e1"), one, Set.of(), 0).isEmpty(), "never received");
    assertFalse(FaultInvariants.webhooksDeliveredOrParked(List.of("e1"), one, Set.of("e1"), 1).isEmpty(), "bad signature");
  }

  private static ObjectNode cleanRun() {
    try {
      return (ObjectNode) JSON.readTree("""
          {"drift":false,"problems":0,"summary":"No drift","wallets":{"checked":1,"drifting":0},
           "postings":{"checked":4,"unbalanced":0,"tooFewEntries":0},
           "currencies":[{"currency":"EUR","entriesTotalMinor":0,"balanced":true,
             "byKind":{"funding":-1000,"merchants":230,"fees":10,"holds":0,"wallets":760,"unknown":0},
             "walletsCachedMinor":760,"authorizedChargesMinor":0,"holdsMatchAuthorizedCharges":true}]}""");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
