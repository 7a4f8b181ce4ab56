package io.farthing.payments.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** payment_users' KYC tier and the kyc_limits table, as operators change them. */
@ApplicationScoped
public class KycAdminRepository {
  private static final String USER_COLUMNS = "user_id, kyc_tier, created_at, updated_at";
  private static final String LIMIT_COLUMNS =
      "tier, currency, per_transaction_minor, daily_minor, monthly_minor, wallet_max_minor";

  private final Pool pool;

  public KycAdminRepository(Pool pool) {
    this.pool = pool;
  }

  /** The user's row, locked for the rest of {@code tx}; empty if payments-svc never saw the user. */
  public Uni<Optional<KycTier>> lockUser(SqlClient tx, UUID userId) {
    return tx.preparedQuery("select " + USER_COLUMNS + " from payment_users where user_id = $1 for update")
        .execute(Tuple.of(userId))
        .map(KycAdminRepository::firstUser);
  }

  public Uni<Optional<KycTier>> user(UUID userId) {
    return pool.preparedQuery("select " + USER_COLUMNS + " from payment_users where user_id = $1")
        .execute(Tuple.of(userId))
        .map(KycAdminRepository::firstUser);
  }

  /** Sets the tier, inserting the user's row if payments-svc has not seen them yet. */
  public Uni<KycTier> upsertTier(SqlClient tx, UUID userId, int tier) {
    return tx.preparedQuery(
            "insert into payment_users (user_id, kyc_tier) values ($1, $2) on conflict (user_id) do update"
                + " set kyc_tier = excluded.kyc_tier, updated_at = now() returning " + USER_COLUMNS)
        .execute(Tuple.of(userId, (short) tier))
        .map(rows -> firstUser(rows).orElseThrow());
  }

  public Uni<List<KycLimit>> limits() {
    return pool.preparedQuery("select " + LIMIT_COLUMNS + " from kyc_limits order by currency, tier")
        .execute()
        .map(
            rows -> {
              List<KycLimit> limits = new ArrayList<>();
              rows.forEach(row -> limits.add(limit(row)));
              return limits;
            });
  }

  /** Inserts or replaces one tier's limits in one currency. */
  public Uni<KycLimit> upsertLimit(SqlClient tx, KycLimit limit) {
    return tx.preparedQuery(
            "insert into kyc_limits (" + LIMIT_COLUMNS + ") values ($1, $2, $3, $4, $5, $6)"
                + " on conflict (tier, currency) do update set per_transaction_minor = excluded.per_transaction_minor,"
                + " daily_minor = excluded.daily_minor, monthly_minor = excluded.monthly_minor,"
                + " wallet_max_minor = excluded.wallet_max_minor returning " + LIMIT_COLUMNS)
        .execute(
            Tuple.of(
                (short) limit.tier(), limit.currency(), limit.perTransactionMinor(), limit.dailyMinor(),
                limit.monthlyMinor(), limit.walletMaxMinor()))
        .map(rows -> limit(rows.iterator().next()));
  }

  private static Optional<KycTier> firstUser(RowSet<Row> rows) {
    var iterator = rows.iterator();
    if (!iterator.hasNext()) {
      return Optional.empty();
    }
    Row row = iterator.next();
    return Optional.of(
        new KycTier(
            row.getUUID("user_id"),
            row.getInteger("kyc_tier"),
            row.getOffsetDateTime("created_at").toInstant(),
            row.getOffsetDateTime("updated_at").toInstant()));
  }

  private static KycLimit limit(Row row) {
    return new KycLimit(
        row.getInteger("tier"),
        row.getString("currency"),
        row.getLong("per_transaction_minor"),
        row.getLong("daily_minor"),
        row.getLong("monthly_minor"),
        row.getLong("wallet_max_minor"));
  }
}
