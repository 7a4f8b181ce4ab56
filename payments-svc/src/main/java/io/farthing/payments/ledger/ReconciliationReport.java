package io.farthing.payments.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one reconciliation run, taken from one consistent snapshot of the ledger: every
 * wallet's cached balance against the sum of its entries, every posting summing to zero per
 * currency (with at least two entries, each in its account's currency), the whole ledger summing
 * to zero per currency, and the totals per kind of account. {@code drift} is false only when every
 * check held; {@code summary} says which did not.
 */
// Read back from its jsonb column through ObjectMapper, so a native image needs the records' constructors.
@RegisterForReflection(
    targets = {
      ReconciliationReport.class, ReconciliationReport.Wallets.class, ReconciliationReport.WalletDrift.class,
      ReconciliationReport.Postings.class, ReconciliationReport.PostingProblem.class,
      ReconciliationReport.CurrencyTotals.class, ReconciliationReport.KindTotals.class,
      ReconciliationReport.Settlement.class, ReconciliationReport.SettlementProblem.class
    })
public record ReconciliationReport(
    UUID id,
    String trigger,
    String requestedBy,
    Instant startedAt,
    Instant finishedAt,
    boolean drift,
    long problems,
    String summary,
    Wallets wallets,
    Postings postings,
    List<CurrencyTotals> currencies,
    Settlement settlement) {

  public static final String SCHEDULED = "SCHEDULED";
  public static final String MANUAL = "MANUAL";

  /** {@code drifting} counts every wallet off; {@code drifts} lists the largest, up to the configured bound. */
  public record Wallets(long checked, long drifting, List<WalletDrift> drifts, boolean truncated) {}

  /**
   * A wallet whose cached balance is not the sum of its entries. {@code driftMinor} = cached − entries
   * (positive: the cached balance shows money the ledger does not hold). A null cached balance is a
   * wallet account with entries but no wallet row.
   */
  public record WalletDrift(
      UUID walletId, UUID userId, String currency, Long cachedBalanceMinor, long entriesSumMinor, long driftMinor) {}

  public record Postings(
      long checked, long unbalanced, long tooFewEntries, List<PostingProblem> problems, boolean truncated) {}

  /** {@code problem}: NOT_ZERO, ACCOUNT_MISMATCH (an entry on a missing account or in another currency), TOO_FEW_ENTRIES. */
  public record PostingProblem(UUID postingId, String kind, String currency, String problem, long sumMinor, long entries) {}

  /**
   * One currency: the sum of all its entries (zero when balanced), the totals per kind of account,
   * the wallets' cached balances added up, and the holds account against the AUTHORIZED charges.
   */
  public record CurrencyTotals(
      String currency,
      long entriesTotalMinor,
      boolean balanced,
      KindTotals byKind,
      long walletsCachedMinor,
      long authorizedChargesMinor,
      boolean holdsMatchAuthorizedCharges) {}

  /**
   * Entries summed per kind of account. Funding is minus everything ever put in; merchants, fees and
   * holds are what those accounts hold; wallets what users hold. {@code unknown}: entries on accounts
   * that do not exist (always 0 unless the ledger is damaged). Loyalty: the points users hold, and
   * the programme's cost (minus every point issued net of clawbacks).
   */
  public record KindTotals(
      long funding,
      long merchants,
      long fees,
      long holds,
      long wallets,
      long unknown,
      long payoutsPending,
      long loyalty,
      long loyaltyFunding) {}

  /**
   * Settlement windows (issue 8): how many closed windows were checked and what did not hold.
   * Null in runs stored before settlement existed.
   */
  public record Settlement(long windowsChecked, long problemCount, List<SettlementProblem> problems, boolean truncated) {}

  /**
   * {@code problem}: LINES_MISMATCH (a closed window's lines do not sum to its payout, the payout
   * posting differs, a line is not its entry, or the line count differs: expected = payout, actual =
   * the settled lines' sum), MISSED_ENTRY (entries left in no window though a later window closed:
   * actual = their sum), LINES_IN_OPEN_WINDOW, ASSIGNED_NOT_ZERO (an account's assigned entries do
   * not sum to zero, so its balance is not its unassigned entries; windowId null).
   */
  public record SettlementProblem(
      UUID windowId, UUID accountId, String problem, long expectedMinor, long actualMinor, long entries) {}
}
