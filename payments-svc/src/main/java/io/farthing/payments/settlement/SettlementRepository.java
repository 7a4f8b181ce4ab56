package io.farthing.payments.settlement;

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

/** The settlement queries. Every status change is conditional on the status it leaves. */
@ApplicationScoped
public class SettlementRepository {
  private static final String COLUMNS =
      "id, account_id, partner_client_id, currency, starts_at, ends_at, status, closed_at, settled_at, net_minor,"
          + " payout_minor, carried_forward, line_count, payout_posting_id, paid_posting_id, gateway_reference,"
          + " payout_attempts, failure_reason, next_attempt_at";

  /** Merchant accounts with no OPEN window, and where their next window starts (after their last one). */
  private static final String WITHOUT_OPEN_WINDOW =
      """
      select a.id, a.owner, a.currency, (select max(w.ends_at) from settlement_windows w where w.account_id = a.id) as last_end
        from accounts a
       where a.kind = 'MERCHANT'
         and not exists (select 1 from settlement_windows w where w.account_id = a.id and w.status = 'OPEN')
       limit $1
      """;
  private static final String INSERT_WINDOW =
      "insert into settlement_windows (id, account_id, partner_client_id, currency, starts_at, ends_at)"
          + " values ($1, $2, $3, $4, $5, $6) on conflict do nothing";

  /**
   * OPEN → CLOSED, only once and only when due ($2 = forced: due now, and the window ends now).
   * Concurrent closers of one window wait on its row; all but the first then find it CLOSED.
   */
  private static final String CLOSE =
      "update settlement_windows set status = 'CLOSED', closed_at = now(),"
          + " ends_at = case when $2 then least(ends_at, greatest(now(), starts_at + interval '1 microsecond'))"
          + " else ends_at end"
          + " where id = $1 and status = 'OPEN' and ($2 or ends_at <= now()) returning " + COLUMNS;

  /**
   * The exact close, in one statement (one snapshot): every entry on the account created before the
   * window's end that no window holds yet; when they net above zero, all of them are assigned to
   * this window. An entry committing after this statement is not seen and is left for the next
   * window; the primary key on entry_id means an entry is never in two windows.
   */
  private static final String ASSIGN =
      """
      with candidates as (
        select e.id, e.amount_minor from entries e
         where e.account_id = $1 and e.created_at < $2
           and not exists (select 1 from settlement_lines l where l.entry_id = e.id)),
      net as (select coalesce(sum(amount_minor), 0)::bigint as total, count(*) as lines from candidates),
      assigned as (
        insert into settlement_lines (entry_id, window_id, amount_minor)
        select c.id, $3, c.amount_minor from candidates c, net where net.total > 0
        returning amount_minor)
      select net.total, net.lines, (select count(*) from assigned) as assigned,
             (select coalesce(sum(amount_minor), 0)::bigint from assigned) as assigned_total
        from net
      """;
  private static final String ASSIGN_PAYOUT_ENTRY =
      "insert into settlement_lines (entry_id, window_id, amount_minor)"
          + " select id, $3, amount_minor from entries where posting_id = $1 and account_id = $2";
  private static final String RECORD_PAYOUT_OWED =
      "update settlement_windows set net_minor = $2, payout_minor = $3, line_count = $4, payout_posting_id = $5,"
          + " next_attempt_at = now() where id = $1 and status = 'CLOSED' returning " + COLUMNS;
  private static final String SETTLE_CARRIED =
      "update settlement_windows set status = 'SETTLED', settled_at = now(), net_minor = $2, carried_forward = true"
          + " where id = $1 and status = 'CLOSED' returning " + COLUMNS;
  private static final String CLAIM_PAYOUTS =
      """
      update settlement_windows set next_attempt_at = now() + $2 * interval '1 millisecond'
       where id in (select id from settlement_windows
                     where status = 'CLOSED' and next_attempt_at <= now()
                     order by next_attempt_at limit $1 for update skip locked)
      returning
      """
          + " " + COLUMNS;
  private static final String SETTLE_PAID =
      "update settlement_windows set status = 'SETTLED', settled_at = now(), gateway_reference = $2,"
          + " paid_posting_id = $3, failure_reason = null, next_attempt_at = null,"
          + " payout_attempts = payout_attempts + 1 where id = $1 and status = 'CLOSED' returning " + COLUMNS;
  private static final String PAYOUT_FAILED =
      "update settlement_windows set failure_reason = $2, payout_attempts = payout_attempts + 1,"
          + " next_attempt_at = now() + least($3::bigint, $4::bigint * power(2, least(payout_attempts, 30))::bigint)"
          + " * interval '1 millisecond' where id = $1 and status = 'CLOSED' returning " + COLUMNS;
  private static final String RETRY_NOW =
      "update settlement_windows set next_attempt_at = now() where id = $1 and status = 'CLOSED' returning " + COLUMNS;

  private final Pool pool;

  public SettlementRepository(Pool pool) {
    this.pool = pool;
  }

  /** A merchant account that has no OPEN window; {@code lastEnd} where its last window ended, if any. */
  public record Unwindowed(UUID accountId, String partnerClientId, String currency, Instant lastEnd) {}

  /** What {@link #assign} found and took. */
  public record Assigned(long netMinor, long candidates, long lines, long linesMinor) {}

  public Uni<List<Unwindowed>> withoutOpenWindow(int limit) {
    return pool.preparedQuery(WITHOUT_OPEN_WINDOW)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<Unwindowed> out = new ArrayList<>();
              for (Row row : rows) {
                OffsetDateTime last = row.getOffsetDateTime("last_end");
                out.add(
                    new Unwindowed(
                        row.getUUID("id"), row.getString("owner"), row.getString("currency"),
                        last == null ? null : last.toInstant()));
              }
              return out;
            });
  }

  /** Inserts an OPEN window; false when the account has one already (another replica was first). */
  public Uni<Boolean> open(SqlClient client, UUID id, UUID accountId, String partner, String currency, Instant start, Instant end) {
    return client.preparedQuery(INSERT_WINDOW)
        .execute(Tuple.from(Arrays.asList(id, accountId, partner, currency, utc(start), utc(end))))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The account's OPEN window, if it has one. */
  public Uni<Optional<SettlementWindow>> openWindowOf(UUID accountId) {
    return pool.preparedQuery("select " + COLUMNS + " from settlement_windows where account_id = $1 and status = 'OPEN'")
        .execute(Tuple.of(accountId))
        .map(SettlementRepository::first);
  }

  /** Where the account's last window ended, if it had one. */
  public Uni<Optional<Instant>> lastEnd(UUID accountId) {
    return pool.preparedQuery("select max(ends_at) as last_end from settlement_windows where account_id = $1")
        .execute(Tuple.of(accountId))
        .map(rows -> Optional.ofNullable(instant(rows.iterator().next(), "last_end")));
  }

  public Uni<List<UUID>> dueToClose(int limit) {
    return pool.preparedQuery(
            "select id from settlement_windows where status = 'OPEN' and ends_at <= now() order by ends_at limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<UUID> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id")));
          return ids;
        });
  }

  public Uni<Optional<SettlementWindow>> close(SqlClient tx, UUID id, boolean forced) {
    return tx.preparedQuery(CLOSE).execute(Tuple.of(id, forced)).map(SettlementRepository::first);
  }

  public Uni<Assigned> assign(SqlClient tx, SettlementWindow window) {
    return tx.preparedQuery(ASSIGN)
        .execute(Tuple.of(window.accountId(), utc(window.endsAt()), window.id()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Assigned(
              row.getLong("total"), row.getLong("lines"), row.getLong("assigned"), row.getLong("assigned_total"));
        });
  }

  /** Puts the payout posting's own merchant entry in the window, so the window's lines sum to zero. */
  public Uni<Void> assignPayoutEntry(SqlClient tx, UUID postingId, UUID accountId, UUID windowId) {
    return tx.preparedQuery(ASSIGN_PAYOUT_ENTRY).execute(Tuple.of(postingId, accountId, windowId)).replaceWithVoid();
  }

  public Uni<SettlementWindow> recordPayoutOwed(SqlClient tx, UUID id, long netMinor, long lines, UUID postingId) {
    return tx.preparedQuery(RECORD_PAYOUT_OWED)
        .execute(Tuple.of(id, netMinor, netMinor, lines, postingId))
        .map(rows -> required(first(rows), id));
  }

  public Uni<SettlementWindow> settleCarried(SqlClient tx, UUID id, long netMinor) {
    return tx.preparedQuery(SETTLE_CARRIED).execute(Tuple.of(id, netMinor)).map(rows -> required(first(rows), id));
  }

  /** Takes up to {@code limit} due payouts and holds them {@code holdFor} away from other replicas. */
  public Uni<List<SettlementWindow>> claimPayouts(int limit, Duration holdFor) {
    return pool.withTransaction(
        tx -> tx.preparedQuery(CLAIM_PAYOUTS).execute(Tuple.of(limit, holdFor.toMillis())).map(SettlementRepository::all));
  }

  public Uni<Optional<SettlementWindow>> settlePaid(SqlClient tx, UUID id, String gatewayReference, UUID postingId) {
    return tx.preparedQuery(SETTLE_PAID).execute(Tuple.of(id, gatewayReference, postingId)).map(SettlementRepository::first);
  }

  public Uni<Optional<SettlementWindow>> payoutFailed(
      SqlClient tx, UUID id, String reason, Duration retryInitial, Duration retryMax) {
    return tx.preparedQuery(PAYOUT_FAILED)
        .execute(Tuple.of(id, reason, retryMax.toMillis(), retryInitial.toMillis()))
        .map(SettlementRepository::first);
  }

  public Uni<Optional<SettlementWindow>> retryNow(UUID id) {
    return pool.preparedQuery(RETRY_NOW).execute(Tuple.of(id)).map(SettlementRepository::first);
  }

  public Uni<Optional<SettlementWindow>> find(SqlClient client, UUID id) {
    return client.preparedQuery("select " + COLUMNS + " from settlement_windows where id = $1")
        .execute(Tuple.of(id))
        .map(SettlementRepository::first);
  }

  public Uni<Optional<SettlementWindow>> find(UUID id) {
    return find(pool, id);
  }

  /**
   * Windows newest first (by start, then id), before the keyset {@code (beforeStart, beforeId)};
   * partner, currency and status optional.
   */
  public Uni<List<SettlementWindow>> list(
      String partner, String currency, WindowStatus status, Instant beforeStart, UUID beforeId, int limit) {
    return pool.preparedQuery(
            "select " + COLUMNS + " from settlement_windows"
                + " where ($1::text is null or partner_client_id = $1) and ($2::text is null or currency = $2)"
                + " and ($3::text is null or status = $3)"
                + " and ($4::timestamptz is null or (starts_at, id) < ($4, $5))"
                + " order by starts_at desc, id desc limit $6")
        .execute(
            Tuple.from(
                Arrays.asList(
                    partner, currency, status == null ? null : status.name(), beforeStart == null ? null : utc(beforeStart),
                    beforeId, limit)))
        .map(SettlementRepository::all);
  }

  private static SettlementWindow required(Optional<SettlementWindow> window, UUID id) {
    return window.orElseThrow(() -> new IllegalStateException("settlement window " + id + " changed under its close"));
  }

  private static Optional<SettlementWindow> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(window(iterator.next())) : Optional.empty();
  }

  private static List<SettlementWindow> all(RowSet<Row> rows) {
    List<SettlementWindow> out = new ArrayList<>();
    rows.forEach(row -> out.add(window(row)));
    return out;
  }

  private static SettlementWindow window(Row row) {
    return new SettlementWindow(
        row.getUUID("id"),
        row.getUUID("account_id"),
        row.getString("partner_client_id"),
        row.getString("currency"),
        instant(row, "starts_at"),
        instant(row, "ends_at"),
        WindowStatus.valueOf(row.getString("status")),
        instant(row, "closed_at"),
        instant(row, "settled_at"),
        row.getLong("net_minor"),
        row.getLong("payout_minor"),
        row.getBoolean("carried_forward"),
        row.getLong("line_count"),
        row.getUUID("payout_posting_id"),
        row.getUUID("paid_posting_id"),
        row.getString("gateway_reference"),
        row.getInteger("payout_attempts"),
        row.getString("failure_reason"),
        instant(row, "next_attempt_at"));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
