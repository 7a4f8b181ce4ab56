package io.farthing.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The money and delivery invariants a fault run must leave intact, checked on plain data: what the
 * callers were told (the acknowledged log) against what the services hold afterwards (read from
 * their databases and APIs). Pure functions, so that {@code FaultInvariantsTest} can show each
 * one failing on a deliberately broken input. Each check returns its violations (empty: holds).
 */
public final class FaultInvariants {
  /** Bounds how many violations one check lists (all are counted). */
  private static final int MAX_LISTED = 20;

  private FaultInvariants() {}

  // --- what the callers were told ---------------------------------------------------------------

  /** A CreateCharge that got a definitive answer: OK (status as answered) or a refusal (status null). */
  public record AckedCharge(String partner, String key, String chargeId, String userId, long amountMinor,
      String status, boolean fallbackDecided) {}

  public record AckedTopUp(String userId, String key, String topUpId, long amountMinor) {}

  public record AckedTransfer(String key, String transferId, String fromUserId, String toUserId, long amountMinor) {}

  public record AckedRefund(String chargeId, String refundId, long amountMinor) {}

  // --- what the services hold -------------------------------------------------------------------

  public record DbCharge(String id, String partner, String userId, long amountMinor, long capturedMinor,
      long refundedMinor, long authorizedMinor, String status) {}

  /** A row of payments-svc's idempotency_keys (caller, key, operation, the resource it made). */
  public record KeyRow(String caller, String key, String operation, String resourceId) {}

  public record DbTopUp(String id, String userId, long amountMinor, String status) {}

  public record DbTransfer(String id, String fromUserId, String toUserId, long amountMinor) {}

  public record DbRefund(String id, String chargeId, long amountMinor) {}

  /** A wallet's cached balance and the sum of its ledger entries. */
  public record Wallet(String walletId, String userId, long balanceMinor, long entriesMinor) {}

  public record Delivery(String id, String eventId, String status) {}

  // --- the charge state machine (payments-svc's ChargeStatus, as its contract documents it) -----

  private static final Map<String, Set<String>> NEXT = Map.of(
      "REQUIRES_ACTION", Set.of("AUTHORIZED", "SUCCEEDED", "FAILED", "EXPIRED"),
      "AUTHORIZED", Set.of("SUCCEEDED", "VOIDED", "EXPIRED"),
      "SUCCEEDED", Set.of("PARTIALLY_REFUNDED", "REFUNDED"),
      "PARTIALLY_REFUNDED", Set.of("PARTIALLY_REFUNDED", "REFUNDED"),
      "VOIDED", Set.of(), "FAILED", Set.of(), "EXPIRED", Set.of(), "REFUNDED", Set.of());

  /** Whether a charge acknowledged in {@code from} may legally be in {@code to} now. */
  static boolean reachable(String from, String to) {
    Set<String> seen = new HashSet<>();
    List<String> queue = new ArrayList<>(List.of(from));
    while (!queue.isEmpty()) {
      String s = queue.remove(queue.size() - 1);
      if (s.equals(to)) {
        return true;
      }
      if (seen.add(s)) {
        queue.addAll(NEXT.getOrDefault(s, Set.of()));
      }
    }
    return false;
  }

  // --- 1. the ledger is balanced ------------------------------------------------------------------

  /**
   * payments-svc's reconciliation run: no drift, no problem, every currency balanced and its holds
   * matching the AUTHORIZED charges, and money in (funding) = wallets + holds + merchants + fees.
   */
  public static List<String> reconciliationClean(JsonNode run) {
    List<String> out = new ArrayList<>();
    if (run == null || run.isMissingNode() || !run.has("drift")) {
      out.add("no reconciliation run: " + run);
      return out;
    }
    if (run.path("drift").asBoolean(true)) {
      out.add("drift: " + run.path("summary").asText());
    }
    if (run.path("problems").asLong(-1) != 0) {
      out.add("problems: " + run.path("problems"));
    }
    if (run.path("wallets").path("drifting").asLong(-1) != 0) {
      out.add("drifting wallets: " + run.path("wallets"));
    }
    if (run.path("postings").path("unbalanced").asLong(-1) != 0 || run.path("postings").path("tooFewEntries").asLong(-1) != 0) {
      out.add("faulty postings: " + run.path("postings"));
    }
    if (!run.path("currencies").isArray() || run.path("currencies").isEmpty()) {
      out.add("no currency checked");
    }
    for (JsonNode c : run.path("currencies")) {
      JsonNode k = c.path("byKind");
      long held = k.path("wallets").asLong() + k.path("holds").asLong() + k.path("merchants").asLong() + k.path("fees").asLong();
      if (!c.path("balanced").asBoolean(false) || c.path("entriesTotalMinor").asLong(-1) != 0
          || !c.path("holdsMatchAuthorizedCharges").asBoolean(false) || k.path("unknown").asLong(-1) != 0
          || c.path("walletsCachedMinor").asLong() != k.path("wallets").asLong() || held != -k.path("funding").asLong()) {
        out.add("currency not balanced: " + c);
      }
    }
    return out;
  }

  /**
   * The same, straight from SQL: {@code unbalanced} lists every (posting, currency) whose entries
   * do not sum to zero and every posting with fewer than two entries; {@code totals} each
   * currency's sum of all entries; {@code wallets} every wallet's cached balance against its entries.
   */
  public static List<String> ledgerBalanced(List<String> unbalanced, Map<String, Long> totals, List<Wallet> wallets) {
    List<String> out = new ArrayList<>();
    for (String p : unbalanced) {
      add(out, "posting does not balance: " + p);
    }
    if (totals.isEmpty()) {
      out.add("no entries at all");
    }
    totals.forEach((currency, sum) -> {
      if (sum != 0) {
        add(out, currency + " entries sum to " + sum + ", not 0");
      }
    });
    for (Wallet w : wallets) {
      if (w.balanceMinor() != w.entriesMinor()) {
        add(out, "wallet " + w.walletId() + " caches " + w.balanceMinor() + " but its entries sum to " + w.entriesMinor());
      }
    }
    return out;
  }

  // --- 2. no wallet negative --------------------------------------------------------------------------

  public static List<String> noNegativeWallet(List<Wallet> wallets) {
    List<String> out = new ArrayList<>();
    for (Wallet w : wallets) {
      if (w.balanceMinor() < 0 || w.entriesMinor() < 0) {
        add(out, "wallet " + w.walletId() + " of " + w.userId() + " is negative: " + w.balanceMinor() + " / " + w.entriesMinor());
      }
    }
    return out;
  }

  // --- 3. every acknowledged charge present exactly once -------------------------------------------

  /**
   * Every charge a caller was told about is stored once — by id, and by its idempotency key
   * (the key names that very charge) — for the same user and amount, in the answered state or a
   * state the state machine allows after it. A refusal's key names no charge, or a FAILED one
   * that moved no money.
   */
  public static List<String> ackedChargesPresent(List<AckedCharge> acked, List<DbCharge> charges, List<KeyRow> keys) {
    List<String> out = new ArrayList<>();
    Map<String, List<DbCharge>> byId = new HashMap<>();
    for (DbCharge c : charges) {
      byId.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c);
    }
    Map<String, List<KeyRow>> byKey = new HashMap<>();
    for (KeyRow k : keys) {
      if (k.operation().equals("CreateCharge")) {
        byKey.computeIfAbsent(k.caller() + " " + k.key(), x -> new ArrayList<>()).add(k);
      }
    }
    for (AckedCharge a : acked) {
      List<KeyRow> rows = byKey.getOrDefault(a.partner() + " " + a.key(), List.of());
      if (a.status() == null) {
        if (rows.size() > 1) {
          add(out, "refused key " + a.key() + " has " + rows.size() + " rows");
        }
        for (KeyRow r : rows) {
          for (DbCharge c : r.resourceId() == null ? List.<DbCharge>of() : byId.getOrDefault(r.resourceId(), List.of())) {
            if (!c.status().equals("FAILED") || c.capturedMinor() != 0 || c.authorizedMinor() != 0) {
              add(out, "refused key " + a.key() + " names a charge that moved money: " + c);
            }
          }
        }
        continue;
      }
      List<DbCharge> found = byId.getOrDefault(a.chargeId(), List.of());
      if (found.size() != 1) {
        add(out, "acknowledged charge " + a.chargeId() + " (key " + a.key() + ") stored " + found.size() + " times");
        continue;
      }
      DbCharge c = found.get(0);
      if (rows.size() != 1 || !a.chargeId().equals(rows.get(0).resourceId())) {
        add(out, "key " + a.key() + " does not name acknowledged charge " + a.chargeId() + ": " + rows);
      }
      if (!c.userId().equals(a.userId()) || c.amountMinor() != a.amountMinor() || !c.partner().equals(a.partner())) {
        add(out, "charge " + a.chargeId() + " is not what was acknowledged: " + c + " vs " + a);
      }
      if (!reachable(a.status(), c.status())) {
        add(out, "charge " + a.chargeId() + " acknowledged " + a.status() + " is now " + c.status() + ": not a legal later state");
      }
    }
    return out;
  }

  // --- 4. nothing charged twice ---------------------------------------------------------------------

  /**
   * One resource per idempotency key and no resource without one: every stored charge, top-up and
   * transfer of the run's payers is the resource of exactly one key row ({@code operation} →
   * the stored ids), and every key row of those operations carries a key the callers actually sent
   * (a second charge for one request would be a resource no key names, or two keys for one
   * request the callers never made).
   */
  public static List<String> oneResourcePerKey(Map<String, Collection<String>> resourcesByOperation, List<KeyRow> keys,
      Set<String> keysSent) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Collection<String>> e : resourcesByOperation.entrySet()) {
      Map<String, Integer> namedBy = new HashMap<>();
      for (KeyRow k : keys) {
        if (k.operation().equals(e.getKey()) && k.resourceId() != null) {
          namedBy.merge(k.resourceId(), 1, Integer::sum);
        }
      }
      for (String id : e.getValue()) {
        int n = namedBy.getOrDefault(id, 0);
        if (n != 1) {
          add(out, e.getKey() + " " + id + " is the resource of " + n + " idempotency keys, not 1");
        }
      }
    }
    for (KeyRow k : keys) {
      if (resourcesByOperation.containsKey(k.operation()) && !keysSent.contains(k.key())) {
        add(out, "a " + k.operation() + " key nobody sent: " + k);
      }
    }
    return out;
  }

  /**
   * Each payer's balance is exactly what their money movements add up to: successful top-ups −
   * captured + refunded − held (AUTHORIZED) − sent + received; each charge's refunded amount is the
   * sum of its refunds; and every acknowledged top-up, transfer and refund is stored as answered.
   */
  public static List<String> balancesAddUp(Collection<String> payers, List<Wallet> wallets, List<DbTopUp> topUps,
      List<DbCharge> charges, List<DbRefund> refunds, List<DbTransfer> transfers, List<AckedTopUp> ackedTopUps,
      List<AckedTransfer> ackedTransfers, List<AckedRefund> ackedRefunds) {
    List<String> out = new ArrayList<>();
    Map<String, Long> expected = new LinkedHashMap<>();
    payers.forEach(p -> expected.put(p, 0L));
    for (DbTopUp t : topUps) {
      if (t.status().equals("SUCCEEDED")) {
        expected.merge(t.userId(), t.amountMinor(), Long::sum);
      }
    }
    Map<String, Long> refundedByCharge = new HashMap<>();
    for (DbRefund r : refunds) {
      refundedByCharge.merge(r.chargeId(), r.amountMinor(), Long::sum);
    }
    for (DbCharge c : charges) {
      long refunded = refundedByCharge.getOrDefault(c.id(), 0L);
      if (refunded != c.refundedMinor()) {
        add(out, "charge " + c.id() + " says refunded " + c.refundedMinor() + " but its refunds sum to " + refunded);
      }
      long held = c.status().equals("AUTHORIZED") ? c.authorizedMinor() : 0;
      if (!c.status().equals("AUTHORIZED") && c.authorizedMinor() != 0) {
        add(out, "charge " + c.id() + " is " + c.status() + " but still holds " + c.authorizedMinor());
      }
      expected.merge(c.userId(), -c.capturedMinor() + refunded - held, Long::sum);
    }
    for (DbTransfer t : transfers) {
      expected.merge(t.fromUserId(), -t.amountMinor(), Long::sum);
      expected.merge(t.toUserId(), t.amountMinor(), Long::sum);
    }
    Map<String, Long> actual = new HashMap<>();
    for (Wallet w : wallets) {
      actual.merge(w.userId(), w.balanceMinor(), Long::sum);
    }
    for (String p : payers) {
      long want = expected.getOrDefault(p, 0L);
      long have = actual.getOrDefault(p, 0L);
      if (want != have) {
        add(out, "payer " + p + " holds " + have + " but top-ups − captured + refunded − held ± transfers = " + want);
      }
    }
    Map<String, DbTopUp> topUpById = new HashMap<>();
    topUps.forEach(t -> topUpById.put(t.id(), t));
    for (AckedTopUp a : ackedTopUps) {
      DbTopUp t = topUpById.get(a.topUpId());
      if (t == null || !t.status().equals("SUCCEEDED") || t.amountMinor() != a.amountMinor() || !t.userId().equals(a.userId())) {
        add(out, "acknowledged top-up " + a + " is stored as " + t);
      }
    }
    Map<String, DbTransfer> transferById = new HashMap<>();
    transfers.forEach(t -> transferById.put(t.id(), t));
    for (AckedTransfer a : ackedTransfers) {
      DbTransfer t = transferById.get(a.transferId());
      if (t == null || t.amountMinor() != a.amountMinor() || !t.fromUserId().equals(a.fromUserId())
          || !t.toUserId().equals(a.toUserId())) {
        add(out, "acknowledged transfer " + a + " is stored as " + t);
      }
    }
    Map<String, DbRefund> refundById = new HashMap<>();
    refunds.forEach(r -> refundById.put(r.id(), r));
    for (AckedRefund a : ackedRefunds) {
      DbRefund r = refundById.get(a.refundId());
      if (r == null || r.amountMinor() != a.amountMinor() || !r.chargeId().equals(a.chargeId())) {
        add(out, "acknowledged refund " + a + " is stored as " + r);
      }
    }
    return out;
  }

  /**
   * The fallback policy, wherever risk-svc gave no answer (the charge carries no decision): a
   * charge below {@code allowBelowMinor} goes through, any other waits for the user
   * (REQUIRES_ACTION) — never captured or authorized without a risk decision.
   */
  public static List<String> fallbackPolicyHeld(List<AckedCharge> acked, long allowBelowMinor) {
    List<String> out = new ArrayList<>();
    for (AckedCharge a : acked) {
      if (a.status() != null && a.fallbackDecided() && a.amountMinor() >= allowBelowMinor
          && !a.status().equals("REQUIRES_ACTION")) {
        add(out, "charge " + a.chargeId() + " of " + a.amountMinor() + " went through on the fallback as " + a.status());
      }
    }
    return out;
  }

  // --- 5. every event delivered or parked -----------------------------------------------------------

  /**
   * payments-svc's outbox is drained ({@code pending} = rows not yet published) and every outbox
   * event is in notify-svc's {@code events} exactly once ({@code stored} may repeat an id, which is
   * the violation), none invented.
   */
  public static List<String> outboxDeliveredOnce(long pending, Collection<String> outbox, List<String> stored) {
    List<String> out = new ArrayList<>();
    if (pending != 0) {
      out.add(pending + " outbox events still unpublished");
    }
    Map<String, Integer> times = new HashMap<>();
    stored.forEach(id -> times.merge(id, 1, Integer::sum));
    Set<String> outboxIds = new HashSet<>(outbox);
    for (String id : outboxIds) {
      int n = times.getOrDefault(id, 0);
      if (n != 1) {
        add(out, "outbox event " + id + " is in notify-svc " + n + " times");
      }
    }
    for (String id : times.keySet()) {
      if (!outboxIds.contains(id)) {
        add(out, "notify-svc holds event " + id + " that payments-svc never wrote");
      }
    }
    return out;
  }

  /**
   * Every event of the webhook partner got a delivery to its endpoint; every delivery ended
   * DELIVERED or PARKED (nothing pending or lost); every DELIVERED one reached the receiver with a
   * valid signature (its webhook-id, the event id, in {@code receivedValid}); and the receiver never
   * saw a signature it could not verify.
   */
  public static List<String> webhooksDeliveredOrParked(Collection<String> partnerEvents, List<Delivery> deliveries,
      Set<String> receivedValid, long receivedInvalid) {
    List<String> out = new ArrayList<>();
    Map<String, Delivery> byEvent = new HashMap<>();
    for (Delivery d : deliveries) {
      if (byEvent.put(d.eventId(), d) != null) {
        add(out, "two deliveries of event " + d.eventId());
      }
      if (d.status().equals("DELIVERED")) {
        if (!receivedValid.contains(d.eventId())) {
          add(out, "delivery " + d.id() + " is DELIVERED but never reached the receiver validly signed");
        }
      } else if (!d.status().equals("PARKED")) {
        add(out, "delivery " + d.id() + " ended " + d.status() + ", neither delivered nor parked");
      }
    }
    for (String e : partnerEvents) {
      if (!byEvent.containsKey(e)) {
        add(out, "event " + e + " of the partner has no webhook delivery");
      }
    }
    if (receivedInvalid != 0) {
      out.add("the receiver got " + receivedInvalid + " requests with a signature it could not verify");
    }
    return out;
  }

  private static void add(List<String> out, String violation) {
    if (out.size() < MAX_LISTED) {
      out.add(violation);
    } else if (out.size() == MAX_LISTED) {
      out.add("… (more not listed)");
    }
  }
}
