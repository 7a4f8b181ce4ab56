package io.farthing.payments.loyalty;

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

/** The loyalty tables: balances, what each charge has counted, the awarder's queue, redemptions. */
@ApplicationScoped
public class LoyaltyRepository {
  private static final String BALANCE_COLUMNS =
      "user_id, currency, account_id, points_minor, carry_bps, owed_minor, earned_minor, clawed_back_minor,"
          + " redeemed_minor";
  private static final String TAKE =
      """
      select q.id, q.charge_id, c.user_id, c.currency
        from loyalty_queue q join charges c on c.id = q.charge_id
       order by q.id limit $1
         for update of q skip locked
      """;
  private static final String ENSURE_BALANCE =
      "insert into loyalty_balances (user_id, currency, account_id) values ($1, $2, $3) on conflict do nothing";
  private static final String LOCK_BALANCE =
      "select " + BALANCE_COLUMNS + " from loyalty_balances where user_id = $1 and currency = $2 for update";
  // Read after the balance row is locked: a second awarder holding other queue rows of the same
  // charge waits for that lock and then sees what the first one counted.
  private static final String SPEND =
      """
      select c.id, c.captured_minor - c.refunded_minor as spend_minor, a.counted_spend_minor, a.earn_bps
        from charges c left join loyalty_awards a on a.charge_id = c.id
       where c.id = any($1)
      """;
  private static final String UPSERT_AWARD =
      """
      insert into loyalty_awards (charge_id, user_id, currency, counted_spend_minor, earn_bps)
      select c, $2, $3, s, b from unnest($1::uuid[], $4::bigint[], $5::int[]) as a (c, s, b)
      on conflict (charge_id) do update set counted_spend_minor = excluded.counted_spend_minor, updated_at = now()
      """;
  private static final String UPDATE_BALANCE =
      """
      update loyalty_balances
         set points_minor = points_minor + $3 - $4, carry_bps = $5, owed_minor = $6,
             earned_minor = earned_minor + $3, clawed_back_minor = clawed_back_minor + $4, updated_at = now()
       where user_id = $1 and currency = $2
      """;
  private static final String DELETE_QUEUED = "delete from loyalty_queue where id = any($1)";
  private static final String REDEEM =
      "update loyalty_balances set points_minor = points_minor - $3, redeemed_minor = redeemed_minor + $3,"
          + " updated_at = now() where user_id = $1 and currency = $2 and points_minor >= $3 returning "
          + BALANCE_COLUMNS;
  private static final String INSERT_REDEMPTION =
      "insert into loyalty_redemptions (id, user_id, wallet_id, currency, amount_minor, created_at)"
          + " values ($1, $2, $3, $4, $5, $6)";
  private static final String REDEMPTION =
      "select id, user_id, wallet_id, currency, amount_minor, created_at from loyalty_redemptions where id = $1";
  private static final String OF_USER =
      "select " + BALANCE_COLUMNS + " from loyalty_balances where user_id = $1 order by currency";
  private static final String DRIFT =
      """
      select b.user_id, b.currency, b.points_minor, coalesce(sum(e.amount_minor), 0)::numeric as entries_sum
        from loyalty_balances b left join entries e on e.account_id = b.account_id
       group by b.user_id, b.currency, b.points_minor
      having b.points_minor <> coalesce(sum(e.amount_minor), 0)
      """;

  /** One row of the awarder's queue, with the charge's owner. */
  public record Queued(long id, UUID chargeId, UUID userId, String currency) {}

  /** A charge's spend now (captured − refunded) and what was counted of it, at what rate (null: never). */
  public record Spend(UUID chargeId, long spendMinor, Long countedMinor, Integer earnBps) {}

  /** A user's cached points that differ from their LOYALTY account's entries. */
  public record Drift(UUID userId, String currency, long pointsMinor, String entriesSum) {}

  private final Pool pool;

  public LoyaltyRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<List<Queued>> take(SqlClient tx, int batch) {
    return tx.preparedQuery(TAKE)
        .execute(Tuple.of(batch))
        .map(
            rows ->
                list(
                    rows,
                    row ->
                        new Queued(
                            row.getLong("id"), row.getUUID("charge_id"), row.getUUID("user_id"),
                            row.getString("currency"))));
  }

  /** The user's balance row in this currency, created if missing, locked until the transaction ends. */
  public Uni<LoyaltyBalance> lock(SqlClient tx, UUID userId, String currency, UUID accountId) {
    return tx.preparedQuery(ENSURE_BALANCE)
        .execute(Tuple.of(userId, currency, accountId))
        .chain(() -> tx.preparedQuery(LOCK_BALANCE).execute(Tuple.of(userId, currency)))
        .map(rows -> balance(rows.iterator().next()));
  }

  public Uni<List<Spend>> spend(SqlClient tx, List<UUID> chargeIds) {
    return tx.preparedQuery(SPEND)
        .execute(Tuple.of(chargeIds.toArray(UUID[]::new)))
        .map(
            rows ->
                list(
                    rows,
                    row ->
                        new Spend(
                            row.getUUID("id"), row.getLong("spend_minor"), row.getLong("counted_spend_minor"),
                            row.getInteger("earn_bps"))));
  }

  public Uni<Void> counted(SqlClient tx, UUID userId, String currency, List<Spend> counted) {
    return tx.preparedQuery(UPSERT_AWARD)
        .execute(
            Tuple.of(
                counted.stream().map(Spend::chargeId).toArray(UUID[]::new),
                userId,
                currency,
                counted.stream().map(Spend::spendMinor).toArray(Long[]::new),
                counted.stream().map(Spend::earnBps).toArray(Integer[]::new)))
        .replaceWithVoid();
  }

  public Uni<Void> update(
      SqlClient tx, UUID userId, String currency, long creditMinor, long clawbackMinor, int carryBps, long owedMinor) {
    return tx.preparedQuery(UPDATE_BALANCE)
        .execute(Tuple.from(List.of(userId, currency, creditMinor, clawbackMinor, carryBps, owedMinor)))
        .replaceWithVoid();
  }

  public Uni<Void> dequeue(SqlClient tx, List<Long> ids) {
    return tx.preparedQuery(DELETE_QUEUED).execute(Tuple.of(ids.toArray(Long[]::new))).replaceWithVoid();
  }

  /** Takes {@code amountMinor} points, or returns empty when the balance holds fewer. */
  public Uni<Optional<LoyaltyBalance>> redeem(SqlClient tx, UUID userId, String currency, long amountMinor) {
    return tx.preparedQuery(REDEEM)
        .execute(Tuple.of(userId, currency, amountMinor))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(balance(rows.iterator().next())) : Optional.empty());
  }

  public Uni<Void> insert(SqlClient tx, Redemption r) {
    return tx.preparedQuery(INSERT_REDEMPTION)
        .execute(
            Tuple.from(
                List.of(
                    r.id(), r.userId(), r.walletId(), r.currency(), r.amountMinor(),
                    r.createdAt().atOffset(java.time.ZoneOffset.UTC))))
        .replaceWithVoid();
  }

  public Uni<Optional<Redemption>> redemption(UUID id) {
    return pool.preparedQuery(REDEMPTION)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              return Optional.of(
                  new Redemption(
                      row.getUUID("id"), row.getUUID("user_id"), row.getUUID("wallet_id"), row.getString("currency"),
                      row.getLong("amount_minor"), row.getOffsetDateTime("created_at").toInstant()));
            });
  }

  public Uni<List<LoyaltyBalance>> ofUser(UUID userId) {
    return pool.preparedQuery(OF_USER).execute(Tuple.of(userId)).map(rows -> list(rows, LoyaltyRepository::balance));
  }

  public Uni<List<Drift>> drift() {
    return pool.query(DRIFT)
        .execute()
        .map(
            rows ->
                list(
                    rows,
                    row ->
                        new Drift(
                            row.getUUID("user_id"), row.getString("currency"), row.getLong("points_minor"),
                            row.getValue("entries_sum").toString())));
  }

  private static LoyaltyBalance balance(Row row) {
    return new LoyaltyBalance(
        row.getUUID("user_id"), row.getString("currency"), row.getUUID("account_id"), row.getLong("points_minor"),
        row.getInteger("carry_bps"), row.getLong("owed_minor"), row.getLong("earned_minor"),
        row.getLong("clawed_back_minor"), row.getLong("redeemed_minor"));
  }

  private static <T> List<T> list(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
    List<T> out = new ArrayList<>();
    rows.forEach(row -> out.add(mapper.apply(row)));
    return out;
  }
}
