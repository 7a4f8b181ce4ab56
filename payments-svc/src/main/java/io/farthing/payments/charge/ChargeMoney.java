package io.farthing.payments.charge;

import io.farthing.common.ApiException;
import io.farthing.payments.allowance.AllowancePeriod;
import io.farthing.payments.allowance.Allowances;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.wallet.WalletRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * The money side of a charge's transitions, always inside the caller's transaction: the
 * allowance and limits counted, the wallet debited by one conditional statement, the posting
 * written; money coming back gives the allowance back. Nothing here
 * commits; a refusal fails the Uni so the caller's transaction rolls back whole.
 */
@ApplicationScoped
public class ChargeMoney {
  public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";

  /** The ledger accounts a charge touches besides the wallet. */
  public record ChargeAccounts(UUID merchant, UUID fees, UUID holds) {}

  private final Accounts accounts;
  private final Ledger ledger;
  private final WalletRepository wallets;
  private final Limits limits;
  private final Allowances allowances;

  public ChargeMoney(Accounts accounts, Ledger ledger, WalletRepository wallets, Limits limits, Allowances allowances) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.wallets = wallets;
    this.limits = limits;
    this.allowances = allowances;
  }

  /** Resolved (and cached) before the transaction starts, so it holds no extra statements. */
  public Uni<ChargeAccounts> accountsFor(String partnerClientId, String currency) {
    return Uni.combine()
        .all()
        .unis(
            accounts.merchant(partnerClientId, currency),
            accounts.platform(AccountKind.PLATFORM_FEES, currency),
            accounts.platform(AccountKind.HOLDS, currency))
        .with(ChargeAccounts::new);
  }

  /**
   * A debited wallet, and what is left of the user's own daily cap after the charge (null when
   * the user has none), both as the money's transaction sees them.
   */
  public record Debit(UUID walletId, Long dailyCapRemainingMinor) {}

  /**
   * Takes the charge's amount out of the wallet: counted against the user's limits, then debited;
   * captured at once (wallet → merchant + fees) or held (wallet → holds).
   */
  public Uni<Debit> debit(
      SqlConnection tx, Charge charge, boolean capture, ChargeAccounts to, ZoneId zone, Instant now) {
    return debit(tx, charge, capture, to, zone, now, null);
  }

  /** As above, and first counted against {@code allowance} when the charge falls under one. */
  public Uni<Debit> debit(
      SqlConnection tx, Charge charge, boolean capture, ChargeAccounts to, ZoneId zone, Instant now,
      AllowancePeriod allowance) {
    return take(
        tx, charge.userId(), charge.partnerClientId(), charge.currency(), charge.amountMinor(), charge.id(), zone, now,
        allowance, wallet -> posting(charge, capture, wallet, to));
  }

  /**
   * Holds {@code amountMinor} of the user's wallet for something other than one charge (a tab's
   * cap): counted against the allowance and the limits exactly as a charge is, then wallet → holds
   * in a posting of {@code postingKind} for {@code refId}. Its allowance count is keyed by
   * {@code refId}, so giving the unused part back ({@link Allowances#giveBack}) uses that id too.
   */
  public Uni<Debit> hold(
      SqlConnection tx, UUID userId, String partnerClientId, String currency, long amountMinor, UUID refId,
      String postingKind, UUID holds, ZoneId zone, Instant now, AllowancePeriod allowance) {
    return take(
        tx, userId, partnerClientId, currency, amountMinor, refId, zone, now, allowance,
        wallet -> Posting.builder(postingKind, refId).move(wallet, holds, currency, amountMinor).build());
  }

  /** The one way money leaves a wallet for a partner: allowance, limits, conditional debit, posting. */
  private Uni<Debit> take(
      SqlConnection tx, UUID userId, String partnerClientId, String currency, long amountMinor, UUID refId,
      ZoneId zone, Instant now, AllowancePeriod allowance, java.util.function.Function<UUID, Posting> posting) {
    Uni<Void> counted =
        allowance == null
            ? Uni.createFrom().voidItem()
            : allowances.count(tx, allowance, userId, partnerClientId, refId, amountMinor);
    return counted
        .chain(() -> limits.spend(tx, userId, currency, amountMinor, zone, now))
        .chain(
            spent ->
                wallets
                    .debit(tx, userId, currency, amountMinor)
                    .chain(
                        debited -> {
                          if (debited.isEmpty()) {
                            return Uni.createFrom()
                                .failure(ApiException.precondition("The wallet does not hold enough", INSUFFICIENT_FUNDS));
                          }
                          UUID wallet = debited.get().id();
                          return ledger
                              .post(tx, posting.apply(wallet))
                              .replaceWith(new Debit(wallet, spent.dailyCapRemainingMinor()));
                        }));
  }

  private static Posting posting(Charge charge, boolean capture, UUID wallet, ChargeAccounts to) {
    if (capture) {
      return Posting.builder("CHARGE_CAPTURE", charge.id())
          .line(wallet, charge.currency(), -charge.amountMinor())
          .line(to.merchant(), charge.currency(), charge.amountMinor() - charge.feeMinor())
          .line(to.fees(), charge.currency(), charge.feeMinor())
          .build();
    }
    return Posting.builder("CHARGE_AUTHORIZE", charge.id())
        .move(wallet, to.holds(), charge.currency(), charge.amountMinor())
        .build();
  }

  /** Captures {@code captureMinor} of a hold: holds → merchant + fees, the rest back to the wallet. */
  public Uni<Void> capture(SqlConnection tx, Charge held, long captureMinor, long feeMinor, ChargeAccounts to) {
    long release = held.authorizedMinor() - captureMinor;
    Posting posting =
        Posting.builder("HOLD_CAPTURE", held.id())
            .line(to.holds(), held.currency(), -held.authorizedMinor())
            .line(to.merchant(), held.currency(), captureMinor - feeMinor)
            .line(to.fees(), held.currency(), feeMinor)
            .line(held.walletId(), held.currency(), release)
            .build();
    return ledger.post(tx, posting)
        .chain(() -> creditBack(tx, held.walletId(), release))
        .chain(() -> allowances.giveBack(tx, held.id(), held.consentId(), release));
  }

  /** Gives a whole hold back to the wallet (void, expiry). */
  public Uni<Void> release(SqlConnection tx, Charge held, ChargeAccounts to) {
    return release(
        tx, held.id(), "HOLD_RELEASE", to.holds(), held.walletId(), held.currency(), held.authorizedMinor(),
        held.consentId());
  }

  /**
   * Gives {@code amountMinor} of what {@link #hold} held for {@code refId} back: holds → wallet in
   * a posting of {@code postingKind}, the wallet credited, the allowance given back.
   */
  public Uni<Void> release(
      SqlConnection tx, UUID refId, String postingKind, UUID holds, UUID walletId, String currency, long amountMinor,
      String consentId) {
    if (amountMinor == 0) {
      return Uni.createFrom().voidItem();
    }
    Posting posting = Posting.builder(postingKind, refId).move(holds, walletId, currency, amountMinor).build();
    return ledger.post(tx, posting)
        .chain(() -> creditBack(tx, walletId, amountMinor))
        .chain(() -> allowances.giveBack(tx, refId, consentId, amountMinor));
  }

  /** Returns {@code refundMinor} to the wallet: from the merchant, and the fee's share from fees. */
  public Uni<Void> refund(
      SqlConnection tx, Charge charge, UUID refundId, long refundMinor, long feeReturnedMinor, ChargeAccounts to) {
    Posting posting =
        Posting.builder("REFUND", refundId)
            .line(to.merchant(), charge.currency(), -(refundMinor - feeReturnedMinor))
            .line(to.fees(), charge.currency(), -feeReturnedMinor)
            .line(charge.walletId(), charge.currency(), refundMinor)
            .build();
    return ledger.post(tx, posting)
        .chain(() -> creditBack(tx, charge.walletId(), refundMinor))
        .chain(() -> allowances.giveBack(tx, charge.id(), charge.consentId(), refundMinor));
  }

  /** Money coming back to a wallet is never refused by a wallet maximum. */
  private Uni<Void> creditBack(SqlConnection tx, UUID walletId, long amountMinor) {
    if (amountMinor == 0) {
      return Uni.createFrom().voidItem();
    }
    return wallets
        .credit(tx, walletId, amountMinor, Long.MAX_VALUE)
        .map(
            credited -> {
              if (credited.isEmpty()) {
                throw new IllegalStateException("wallet " + walletId + " vanished while money was returned to it");
              }
              return null;
            });
  }
}
