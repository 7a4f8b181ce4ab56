package io.farthing.payments.topup;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class TopUpRepository {
  private static final String COLUMNS =
      "id, user_id, wallet_id, currency, amount_minor, instrument, gateway, status, processor_reference,"
          + " decline_code, failure_reason, decision_id, version, created_at, updated_at";
  private static final String INSERT =
      "insert into topups (id, user_id, wallet_id, currency, amount_minor, instrument, gateway, status,"
          + " processor_reference, decline_code, failure_reason, decision_id, version, created_at, updated_at,"
          + " open_key, next_check_at)"
          + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
          + " on conflict (user_id, open_key) where open_key is not null do nothing";
  /** A key older than the idempotency TTL was forgotten (and may be reused): it no longer names a top-up. */
  private static final String FORGET_STALE_KEY =
      "update topups set open_key = null where user_id = $1 and open_key = $2"
          + " and created_at < now() - $3 * interval '1 millisecond'";
  private static final String BY_OPEN_KEY =
      "select " + COLUMNS + " from topups where user_id = $1 and open_key = $2"
          + " and created_at >= now() - $3 * interval '1 millisecond'";
  private static final String UPDATE =
      """
      update topups set status = $3, processor_reference = $4, decline_code = $5, failure_reason = $6,
             version = $7, updated_at = $8
       where id = $1 and version = $2
      """;
  /** Takes a batch of due top-ups for one round: other replicas skip them until {@code recheck} has passed. */
  private static final String CLAIM_DUE =
      """
      update topups set next_check_at = now() + $2 * interval '1 millisecond', checks = checks + 1
       where id in (select id from topups where status in ('PENDING', 'REVERSING') and next_check_at <= now()
                     order by next_check_at limit $1 for update skip locked)
      returning
      """
          + COLUMNS;

  private final Pool pool;

  public TopUpRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts a new top-up that names {@code openKey} as the request creating it; false if another
   * live top-up already holds that key (the caller then resumes that one).
   */
  public Uni<Boolean> insert(SqlClient tx, TopUp t, String openKey, Instant nextCheckAt, Duration keyTtl) {
    return tx.preparedQuery(FORGET_STALE_KEY)
        .execute(Tuple.of(t.userId(), openKey, keyTtl.toMillis()))
        .chain(
            () ->
                tx.preparedQuery(INSERT)
                    .execute(
                        Tuple.from(
                            Arrays.asList(
                                t.id(), t.userId(), t.walletId(), t.currency(), t.amountMinor(), t.instrument(),
                                t.gateway(), t.status().name(), t.processorReference(), t.declineCode(),
                                t.failureReason(), t.decisionId(), t.version(), time(t.createdAt()),
                                time(t.updatedAt()), openKey, time(nextCheckAt)))))
        .map(result -> result.rowCount() == 1);
  }

  /** The top-up whose creating request (this key, within its TTL) has not completed its key yet. */
  public Uni<Optional<TopUp>> findOpen(SqlClient client, UUID userId, String key, Duration keyTtl) {
    return client.preparedQuery(BY_OPEN_KEY).execute(Tuple.of(userId, key, keyTtl.toMillis())).map(TopUpRepository::first);
  }

  public Uni<Optional<TopUp>> find(UUID id) {
    return pool.preparedQuery("select " + COLUMNS + " from topups where id = $1")
        .execute(Tuple.of(id))
        .map(TopUpRepository::first);
  }

  /** The top-up, locked for the rest of {@code tx}: settling it happens once, whoever tries. */
  public Uni<Optional<TopUp>> lock(SqlClient tx, UUID id) {
    return tx.preparedQuery("select " + COLUMNS + " from topups where id = $1 for update")
        .execute(Tuple.of(id))
        .map(TopUpRepository::first);
  }

  /** Writes {@code next} over the row read at {@code expectedVersion}; fails loudly if it changed. */
  public Uni<Void> update(SqlClient tx, TopUp next, int expectedVersion) {
    return tx.preparedQuery(UPDATE)
        .execute(
            Tuple.from(
                Arrays.asList(
                    next.id(), expectedVersion, next.status().name(), next.processorReference(), next.declineCode(),
                    next.failureReason(), next.version(), time(next.updatedAt()))))
        .map(
            result -> {
              if (result.rowCount() != 1) {
                throw new IllegalStateException("top-up " + next.id() + " changed under its row lock");
              }
              return null;
            });
  }

  /** The creating request has completed its key: a retry now gets the stored reply instead. */
  public Uni<Void> closeKey(SqlClient tx, UUID id) {
    return tx.preparedQuery("update topups set open_key = null where id = $1").execute(Tuple.of(id)).replaceWithVoid();
  }

  /** When the reconciler should look at this top-up next. */
  public Uni<Void> checkAt(SqlClient tx, UUID id, Instant at) {
    return tx.preparedQuery("update topups set next_check_at = $2 where id = $1")
        .execute(Tuple.of(id, time(at)))
        .replaceWithVoid();
  }

  public Uni<List<TopUp>> claimDue(int batch, Duration recheckAfter) {
    return pool.preparedQuery(CLAIM_DUE)
        .execute(Tuple.of(batch, recheckAfter.toMillis()))
        .map(
            rows -> {
              List<TopUp> due = new ArrayList<>();
              rows.forEach(row -> due.add(topUp(row)));
              return due;
            });
  }

  private static Optional<TopUp> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(topUp(iterator.next())) : Optional.empty();
  }

  private static TopUp topUp(Row row) {
    return new TopUp(
        row.getUUID("id"),
        row.getUUID("user_id"),
        row.getUUID("wallet_id"),
        row.getString("currency"),
        row.getLong("amount_minor"),
        row.getString("instrument"),
        row.getString("gateway"),
        TopUpStatus.valueOf(row.getString("status")),
        row.getString("processor_reference"),
        row.getString("decline_code"),
        row.getString("failure_reason"),
        row.getString("decision_id"),
        row.getInteger("version"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
