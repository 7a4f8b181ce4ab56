package io.farthing.payments.wallet;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Wallet balances. A debit is one conditional statement ({@code balance >= amount}), so no
 * read-then-write race exists and no lock is held across a network call; the table's check
 * constraint is the second line of defence (money rule 3).
 */
@ApplicationScoped
public class WalletRepository {
  private static final String COLUMNS = "id, user_id, currency, balance_minor, created_at, updated_at";
  private static final String DEBIT =
      "update wallets set balance_minor = balance_minor - $3, updated_at = now()"
          + " where user_id = $1 and currency = $2 and balance_minor >= $3 returning " + COLUMNS;
  private static final String CREDIT =
      "update wallets set balance_minor = balance_minor + $2, updated_at = now()"
          // balance <= max - amount, not balance + amount <= max: the sum can pass bigint's range.
          + " where id = $1 and balance_minor <= $3::bigint - $2::bigint returning " + COLUMNS;
  private static final String INSERT =
      "insert into wallets (id, user_id, currency) values ($1, $2, $3) on conflict (user_id, currency) do nothing";
  private static final String BY_USER_CURRENCY =
      "select " + COLUMNS + " from wallets where user_id = $1 and currency = $2";
  private static final String BY_USER = "select " + COLUMNS + " from wallets where user_id = $1 order by currency";
  private static final String BY_ID = "select " + COLUMNS + " from wallets where id = $1";

  private final Pool pool;
  private final Accounts accounts;

  public WalletRepository(Pool pool, Accounts accounts) {
    this.pool = pool;
    this.accounts = accounts;
  }

  /** Takes {@code amountMinor} out of the user's wallet, or returns empty if it holds less. */
  public Uni<Optional<Wallet>> debit(SqlClient tx, UUID userId, String currency, long amountMinor) {
    return tx.preparedQuery(DEBIT).execute(Tuple.of(userId, currency, amountMinor)).map(WalletRepository::first);
  }

  /**
   * Adds money to a wallet, unless the balance would pass {@code maxBalanceMinor} (a KYC tier's
   * wallet maximum; {@link Long#MAX_VALUE} for money that must always come back, like refunds).
   */
  public Uni<Optional<Wallet>> credit(SqlClient tx, UUID walletId, long amountMinor, long maxBalanceMinor) {
    return tx.preparedQuery(CREDIT)
        .execute(Tuple.of(walletId, amountMinor, maxBalanceMinor))
        .map(WalletRepository::first);
  }

  /** The user's wallet in this currency, created (with its ledger account) if missing. */
  public Uni<Wallet> open(SqlClient client, UUID userId, String currency) {
    return find(client, userId, currency)
        .chain(
            found ->
                found.isPresent()
                    ? Uni.createFrom().item(found.get())
                    : accounts
                        .account(client, AccountKind.USER_WALLET, userId.toString(), currency)
                        .chain(id -> client.preparedQuery(INSERT).execute(Tuple.of(id, userId, currency)))
                        .chain(() -> find(client, userId, currency))
                        .map(Optional::orElseThrow));
  }

  public Uni<Optional<Wallet>> find(SqlClient client, UUID userId, String currency) {
    return client.preparedQuery(BY_USER_CURRENCY).execute(Tuple.of(userId, currency)).map(WalletRepository::first);
  }

  public Uni<Optional<Wallet>> find(UUID userId, String currency) {
    return find(pool, userId, currency);
  }

  public Uni<Optional<Wallet>> byId(UUID walletId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(walletId)).map(WalletRepository::first);
  }

  public Uni<List<Wallet>> ofUser(UUID userId) {
    return pool.preparedQuery(BY_USER)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              List<Wallet> wallets = new ArrayList<>();
              rows.forEach(row -> wallets.add(wallet(row)));
              return wallets;
            });
  }

  private static Optional<Wallet> first(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(wallet(iterator.next())) : Optional.empty();
  }

  static Wallet wallet(Row row) {
    return new Wallet(
        row.getUUID("id"),
        row.getUUID("user_id"),
        row.getString("currency"),
        row.getLong("balance_minor"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant());
  }
}
