package io.farthing.payments.support;

import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.wallet.WalletRepository;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Arranges data for payments tests through the service's own code (merchants, funded wallets)
 * and reads outcomes straight from the database (balances, entries, outbox events).
 */
@ApplicationScoped
public class Fixtures {
  private final Pool pool;
  private final MerchantService merchants;
  private final WalletRepository wallets;
  private final Accounts accounts;
  private final Ledger ledger;

  public Fixtures(Pool pool, MerchantService merchants, WalletRepository wallets, Accounts accounts, Ledger ledger) {
    this.pool = pool;
    this.merchants = merchants;
    this.wallets = wallets;
    this.accounts = accounts;
    this.ledger = ledger;
  }

  /** A new partner client id, onboarded as a merchant taking EUR at 2 fixed + 2.5 %. */
  public String aMerchant() {
    return aMerchant(new FeePlan("EUR", 2, 250, 0, null));
  }

  public String aMerchant(FeePlan plan) {
    String partner = "fcl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    merchants
        .save(partner, "Shop " + partner, "news", Merchant.ACTIVE, null, Map.of(plan.currency(), plan))
        .await()
        .indefinitely();
    return partner;
  }

  /**
   * A new user with {@code balanceMinor} EUR in their wallet who has allowed {@code partner} to
   * charge up to {@code maxPerChargeMinor} a time.
   */
  public UUID payer(String partner, long balanceMinor, long maxPerChargeMinor) {
    UUID user = UUID.randomUUID();
    fund(user, "EUR", balanceMinor);
    FakeAuth.consent(user, partner, maxPerChargeMinor, "EUR");
    return user;
  }

  /** Puts {@code amountMinor} into the user's wallet, as a funded top-up would (FUNDING → wallet). */
  public UUID fund(UUID user, String currency, long amountMinor) {
    return pool.withTransaction(
            tx ->
                wallets
                    .open(tx, user, currency)
                    .chain(
                        wallet ->
                            accounts
                                .account(tx, AccountKind.FUNDING, AccountKind.PLATFORM, currency)
                                .chain(
                                    funding ->
                                        ledger.post(
                                            tx,
                                            Posting.builder("TOP_UP", UUID.randomUUID())
                                                .move(funding, wallet.id(), currency, amountMinor)
                                                .build()))
                                .chain(() -> wallets.credit(tx, wallet.id(), amountMinor, Long.MAX_VALUE))
                                .replaceWith(wallet.id())))
        .await()
        .indefinitely();
  }

  public long balance(UUID user, String currency) {
    return wallets.find(user, currency).await().indefinitely().map(w -> w.balanceMinor()).orElse(0L);
  }

  /** The sum of every entry on the user's wallet account: what the cached balance must equal. */
  public long entriesSum(UUID walletId) {
    return longValue("select coalesce(sum(amount_minor), 0) from entries where account_id = $1", walletId);
  }

  /** The sum of all entries on a merchant's account in a currency. */
  public long merchantBalance(String partner, String currency) {
    return longValue(
        "select coalesce(sum(e.amount_minor), 0) from entries e join accounts a on a.id = e.account_id"
            + " where a.kind = 'MERCHANT' and a.owner = $1 and a.currency = $2",
        partner, currency);
  }

  public long platformBalance(AccountKind kind, String currency) {
    return longValue(
        "select coalesce(sum(e.amount_minor), 0) from entries e join accounts a on a.id = e.account_id"
            + " where a.kind = $1 and a.owner = 'platform' and a.currency = $2",
        kind.name(), currency);
  }

  /** The types of the outbox events about this charge, oldest first. */
  public List<String> eventsOf(String chargeId) {
    return strings("select type from outbox where ordering_key = $1 order by seq", "charge:" + chargeId);
  }

  public List<String> eventTypesForUser(UUID user) {
    return strings("select type from outbox where user_id = $1 order by seq", user);
  }

  public long longValue(String sql, Object... args) {
    Row row = pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().iterator().next();
    return row.getLong(0);
  }

  public List<String> strings(String sql, Object... args) {
    List<String> out = new ArrayList<>();
    pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().forEach(r -> out.add(r.getString(0)));
    return out;
  }

  public void update(String sql, Object... args) {
    pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely();
  }
}
