package io.farthing.payments.ledger;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.ledger.ReconciliationReport.CurrencyTotals;
import io.farthing.payments.ledger.ReconciliationReport.KindTotals;
import io.farthing.payments.ledger.ReconciliationReport.PostingProblem;
import io.farthing.payments.ledger.ReconciliationReport.SettlementProblem;
import io.farthing.payments.ledger.ReconciliationReport.WalletDrift;
import io.farthing.payments.ledger.ReconciliationRepository.Listed;
import io.farthing.payments.ledger.ReconciliationRepository.Totals;
import io.farthing.payments.settlement.SettlementConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Money rule 2, checked: runs reconciliation over the whole ledger and stores each run. One run
 * at a time across all replicas (a transaction-scoped advisory lock); scheduled runs on several
 * replicas also skip when another run started recently, so the cluster makes one run per interval.
 *
 * <p>A run with drift is a violated invariant: it is logged at ERROR and the gauge
 * {@code farthing.payments.reconciliation.problems} goes above zero, for an alert to fire on.
 */
@ApplicationScoped
public class Reconciliation {
  private static final Logger LOG = Logger.getLogger(Reconciliation.class);
  public static final String IN_PROGRESS = "RECONCILIATION_IN_PROGRESS";
  public static final String NOT_FOUND = "RECONCILIATION_RUN_NOT_FOUND";

  private final Pool pool;
  private final ReconciliationRepository repository;
  private final ReconciliationConfig config;
  private final MeterRegistry meters;
  private final SettlementConfig settlement;
  private final AtomicLong lastProblems = new AtomicLong();

  public Reconciliation(
      Pool pool,
      ReconciliationRepository repository,
      ReconciliationConfig config,
      MeterRegistry meters,
      SettlementConfig settlement) {
    this.settlement = settlement;
    this.pool = pool;
    this.repository = repository;
    this.config = config;
    this.meters = meters;
    meters.gauge("farthing.payments.reconciliation.problems", lastProblems);
  }

  /** An operator's run, now; 409 RECONCILIATION_IN_PROGRESS while another run holds the lock. */
  public Uni<ReconciliationReport> runNow(String operator) {
    return run(ReconciliationReport.MANUAL, operator)
        .map(
            report ->
                report.orElseThrow(
                    () ->
                        new ApiException(
                            ApiException.Kind.IN_PROGRESS, IN_PROGRESS, "A reconciliation run is in progress; retry shortly",
                            5L)));
  }

  /** The scheduled run: empty when another replica is running or ran within the minimum spacing. */
  public Uni<Optional<ReconciliationReport>> runScheduled() {
    return run(ReconciliationReport.SCHEDULED, null);
  }

  public Uni<ReconciliationReport> latest() {
    return repository
        .latest()
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No reconciliation has run yet", NOT_FOUND)));
  }

  public Uni<ReconciliationReport> get(UUID id) {
    return repository
        .byId(id)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such reconciliation run", NOT_FOUND)));
  }

  private Uni<Optional<ReconciliationReport>> run(String trigger, String requestedBy) {
    boolean scheduled = ReconciliationReport.SCHEDULED.equals(trigger);
    return pool.withTransaction(
            tx ->
                repository
                    .begin(tx, config.statementTimeout())
                    .chain(
                        locked -> {
                          if (!locked) {
                            return Uni.createFrom().item(Optional.<ReconciliationReport>empty());
                          }
                          Uni<Boolean> skip =
                              scheduled ? repository.ranWithin(tx, config.minSpacing()) : Uni.createFrom().item(false);
                          return skip.chain(
                              recent ->
                                  recent
                                      ? Uni.createFrom().item(Optional.<ReconciliationReport>empty())
                                      : check(tx, trigger, requestedBy).map(Optional::of));
                        }))
        .invoke(found -> found.ifPresent(this::record));
  }

  /** What one run found, filled in check by check (all in one snapshot, one statement at a time). */
  private static final class Findings {
    Instant startedAt;
    long walletCount;
    Listed<WalletDrift> drifts;
    long postingCount;
    Listed<PostingProblem> unbalanced;
    Listed<PostingProblem> tooFew;
    Totals totals;
    long settlementWindows;
    Listed<SettlementProblem> settlement;
  }

  private Uni<ReconciliationReport> check(SqlConnection tx, String trigger, String requestedBy) {
    int max = config.maxListed();
    Findings found = new Findings();
    return repository
        .now(tx)
        .invoke(now -> found.startedAt = now)
        .chain(() -> repository.sumAccounts(tx))
        .chain(() -> repository.count(tx, "wallets"))
        .invoke(n -> found.walletCount = n)
        .chain(() -> repository.walletDrift(tx, max))
        .invoke(drifts -> found.drifts = drifts)
        .chain(() -> repository.count(tx, "postings"))
        .invoke(n -> found.postingCount = n)
        .chain(() -> repository.unbalancedPostings(tx, max))
        .invoke(unbalanced -> found.unbalanced = unbalanced)
        .chain(() -> repository.postingsWithTooFewEntries(tx, max))
        .invoke(tooFew -> found.tooFew = tooFew)
        .chain(() -> repository.totals(tx))
        .invoke(totals -> found.totals = totals)
        .chain(() -> repository.closedSettlementWindows(tx))
        .invoke(n -> found.settlementWindows = n)
        .chain(() -> repository.settlementProblems(tx, max, settlement.lateCommitGrace()))
        .invoke(problems -> found.settlement = problems)
        .map(
            ignored ->
                report(
                    Ids.newId(), trigger, requestedBy, found.startedAt, found.walletCount, found.drifts,
                    found.postingCount, found.unbalanced, found.tooFew, found.totals, found.settlementWindows,
                    found.settlement))
        .call(report -> repository.insert(tx, report));
  }

  static ReconciliationReport report(
      UUID id, String trigger, String requestedBy, Instant startedAt, long walletCount, Listed<WalletDrift> drifts,
      long postingCount, Listed<PostingProblem> unbalanced, Listed<PostingProblem> tooFew, Totals totals,
      long settlementWindows, Listed<SettlementProblem> settlement) {
    List<CurrencyTotals> currencies = currencies(totals);
    long unbalancedCurrencies = currencies.stream().filter(c -> !c.balanced()).count();
    long holdsOff = currencies.stream().filter(c -> !c.holdsMatchAuthorizedCharges()).count();
    long problems =
        drifts.total() + unbalanced.total() + tooFew.total() + unbalancedCurrencies + holdsOff + settlement.total();

    List<PostingProblem> postingProblems = new ArrayList<>(unbalanced.items());
    postingProblems.addAll(tooFew.items());
    boolean postingsTruncated = unbalanced.total() > unbalanced.items().size() || tooFew.total() > tooFew.items().size();

    String summary;
    if (problems == 0) {
      summary =
          "No drift: "
              + walletCount
              + " wallets match their entries, "
              + postingCount
              + " postings sum to zero, every currency's ledger sums to zero, and "
              + settlementWindows
              + " closed settlement windows match their lines";
    } else {
      List<String> parts = new ArrayList<>();
      if (drifts.total() > 0) {
        parts.add(drifts.total() + " wallet(s) whose cached balance differs from their entries");
      }
      if (unbalanced.total() > 0) {
        parts.add(unbalanced.total() + " posting line group(s) not summing to zero or on a wrong account");
      }
      if (tooFew.total() > 0) {
        parts.add(tooFew.total() + " posting(s) with fewer than two entries");
      }
      if (unbalancedCurrencies > 0) {
        parts.add(unbalancedCurrencies + " currency(ies) whose entries do not sum to zero");
      }
      if (holdsOff > 0) {
        parts.add(holdsOff + " currency(ies) whose holds differ from the AUTHORIZED charges");
      }
      if (settlement.total() > 0) {
        parts.add(settlement.total() + " settlement window or account problem(s)");
      }
      summary = "DRIFT: " + String.join("; ", parts);
    }
    return new ReconciliationReport(
        id,
        trigger,
        requestedBy,
        startedAt,
        Instant.now(),
        problems > 0,
        problems,
        summary,
        new ReconciliationReport.Wallets(
            walletCount, drifts.total(), drifts.items(), drifts.total() > drifts.items().size()),
        new ReconciliationReport.Postings(
            postingCount, unbalanced.total(), tooFew.total(), postingProblems, postingsTruncated),
        currencies,
        new ReconciliationReport.Settlement(
            settlementWindows, settlement.total(), settlement.items(), settlement.total() > settlement.items().size()));
  }

  private static List<CurrencyTotals> currencies(Totals totals) {
    TreeSet<String> codes = new TreeSet<>();
    totals.byKind().values().forEach(byCurrency -> codes.addAll(byCurrency.keySet()));
    codes.addAll(totals.walletsCached().keySet());
    codes.addAll(totals.authorizedCharges().keySet());
    List<CurrencyTotals> out = new ArrayList<>();
    for (String currency : codes) {
      KindTotals kinds =
          new KindTotals(
              kind(totals, AccountKind.FUNDING.name(), currency),
              kind(totals, AccountKind.MERCHANT.name(), currency),
              kind(totals, AccountKind.PLATFORM_FEES.name(), currency),
              kind(totals, AccountKind.HOLDS.name(), currency),
              kind(totals, AccountKind.USER_WALLET.name(), currency),
              totals.byKind().entrySet().stream()
                  .filter(e -> !isKnownKind(e.getKey()))
                  .mapToLong(e -> e.getValue().getOrDefault(currency, 0L))
                  .reduce(0L, Math::addExact),
              kind(totals, AccountKind.PAYOUTS_PENDING.name(), currency),
              kind(totals, AccountKind.LOYALTY.name(), currency),
              kind(totals, AccountKind.LOYALTY_FUNDING.name(), currency));
      long total =
          totals.byKind().values().stream()
              .mapToLong(byCurrency -> byCurrency.getOrDefault(currency, 0L))
              .reduce(0L, Math::addExact);
      long authorized = totals.authorizedCharges().getOrDefault(currency, 0L);
      out.add(
          new CurrencyTotals(
              currency,
              total,
              total == 0,
              kinds,
              totals.walletsCached().getOrDefault(currency, 0L),
              authorized,
              kinds.holds() == authorized));
    }
    return out;
  }

  private static long kind(Totals totals, String kind, String currency) {
    Map<String, Long> byCurrency = totals.byKind().get(kind);
    return byCurrency == null ? 0 : byCurrency.getOrDefault(currency, 0L);
  }

  private static boolean isKnownKind(String kind) {
    for (AccountKind known : AccountKind.values()) {
      if (known.name().equals(kind)) {
        return true;
      }
    }
    return false;
  }

  private void record(ReconciliationReport report) {
    lastProblems.set(report.problems());
    meters.counter("farthing.payments.reconciliation.runs", "drift", Boolean.toString(report.drift())).increment();
    if (report.drift()) {
      LOG.errorf("Reconciliation run %s found drift: %s", report.id(), report.summary());
    } else {
      LOG.infof("Reconciliation run %s: %s", report.id(), report.summary());
    }
  }
}
