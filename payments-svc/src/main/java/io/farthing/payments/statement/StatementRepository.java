package io.farthing.payments.statement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the ledger for receipts and statements. Every query names a {@code base} of entries
 * (id, posting_id, account_id, currency, amount_minor, created_at, balance_after) and shares one
 * enrichment: posting, refund, charge, merchant, fee and counterparty, each by primary key or a
 * posting's own few entries, so a page costs the same however long the ledger grows.
 */
@ApplicationScoped
public class StatementRepository {
  private static final String ENRICH =
      """
      select b.id, b.posting_id, b.account_id, b.currency, b.amount_minor, b.created_at, b.balance_after,
             p.kind as posting_kind, p.ref_id, r.id as refund_id, c.id as charge_id, c.description,
             coalesce(c.partner_client_id, case when cp.kind = 'MERCHANT' then cp.owner end) as partner_client_id,
             m.name as merchant_name, cp.kind as cp_kind, cp.owner as cp_owner,
             (select coalesce(sum(x.amount_minor), 0)::bigint
                from entries x join accounts xa on xa.id = x.account_id
               where x.posting_id = b.posting_id and xa.kind = 'PLATFORM_FEES') as fee_minor
        from base b
        join postings p on p.id = b.posting_id
        left join refunds r on r.id = p.ref_id
        left join charges c on c.id = coalesce(r.charge_id, p.ref_id)
        left join lateral (
             select xa.kind, xa.owner
               from entries x join accounts xa on xa.id = x.account_id
              where x.posting_id = b.posting_id and x.account_id <> b.account_id
              order by (xa.kind = 'MERCHANT') desc, abs(x.amount_minor) desc, x.id
              limit 1) cp on true
        left join merchants m
               on m.partner_client_id = coalesce(c.partner_client_id, case when cp.kind = 'MERCHANT' then cp.owner end)
      """;

  /**
   * One page of the wallets' entries, newest first, before entry id $2. The balance after each entry
   * is the cached balance minus everything newer: entries before the page (ids >= $2) plus those
   * earlier in the page, read in the same snapshot as the cached balance.
   */
  private static final String RECEIPTS_PAGE =
      """
      with page as (
        select e.id, e.posting_id, e.account_id, e.currency, e.amount_minor, e.created_at
          from unnest($1::uuid[]) as w (id)
          cross join lateral (
               select x.id, x.posting_id, x.account_id, x.currency, x.amount_minor, x.created_at
                 from entries x where x.account_id = w.id and x.id < $2 order by x.id desc limit $3) e
         order by e.id desc
         limit $3),
      newer as (
        select x.account_id, sum(x.amount_minor)::bigint as total
          from entries x where x.account_id = any($1::uuid[]) and x.id >= $2 group by x.account_id),
      base as (
        select page.*,
               (wl.balance_minor - coalesce(n.total, 0)
                 - coalesce(sum(page.amount_minor) over (partition by page.account_id order by page.id desc
                                                         rows between unbounded preceding and 1 preceding), 0))::bigint
                 as balance_after
          from page join wallets wl on wl.id = page.account_id left join newer n on n.account_id = page.account_id)
      """
          + ENRICH
          + " order by b.id desc";

  private static final String RECEIPT =
      """
      with base as (
        select e.id, e.posting_id, e.account_id, e.currency, e.amount_minor, e.created_at,
               (wl.balance_minor - (select coalesce(sum(x.amount_minor), 0) from entries x
                                     where x.account_id = e.account_id and x.id > e.id))::bigint as balance_after
          from entries e join wallets wl on wl.id = e.account_id
         where e.posting_id = $1 and e.account_id = any($2::uuid[]))
      """
          + ENRICH
          + " order by b.currency, b.id";

  private static final String PERIOD =
      """
      with base as (
        select e.id, e.posting_id, e.account_id, e.currency, e.amount_minor, e.created_at, null::bigint as balance_after
          from entries e
         where e.account_id = $1 and e.created_at >= $2 and e.created_at < $3
         order by e.created_at, e.id
         limit $4)
      """
          + ENRICH
          + " order by b.created_at, b.id";

  /** The entries a settlement window settled, oldest first, without the window's own payout posting. */
  private static final String SETTLED =
      """
      with base as (
        select e.id, e.posting_id, e.account_id, e.currency, e.amount_minor, e.created_at, null::bigint as balance_after
          from settlement_lines l
          join settlement_windows w on w.id = l.window_id
          join entries e on e.id = l.entry_id
         where l.window_id = $1 and e.posting_id is distinct from w.payout_posting_id
         order by e.created_at, e.id
         limit $2)
      """
          + ENRICH
          + " order by b.created_at, b.id";

  private static final String SUM_BEFORE =
      "select coalesce(sum(amount_minor), 0)::bigint as total from entries where account_id = $1 and created_at < $2";

  private final Pool pool;

  public StatementRepository(Pool pool) {
    this.pool = pool;
  }

  /** Makes {@code tx} one read-only snapshot, so a statement's sums and lines agree with each other. */
  public Uni<Void> snapshot(SqlConnection tx) {
    return tx.query("set transaction isolation level repeatable read, read only").execute().replaceWithVoid();
  }

  /** Up to {@code limit} entries on these wallets with ids below {@code beforeEntryId}, newest first. */
  public Uni<List<Line>> receipts(UUID[] walletIds, long beforeEntryId, int limit) {
    return pool.preparedQuery(RECEIPTS_PAGE)
        .execute(Tuple.of(walletIds, beforeEntryId, limit))
        .map(StatementRepository::lines);
  }

  /** The entries of one posting on these wallets. */
  public Uni<List<Line>> receipt(UUID postingId, UUID[] walletIds) {
    return pool.preparedQuery(RECEIPT).execute(Tuple.of(postingId, walletIds)).map(StatementRepository::lines);
  }

  /** Up to {@code limit} entries on the account in [from, to), oldest first. */
  public Uni<List<Line>> period(SqlClient tx, UUID accountId, Instant from, Instant to, int limit) {
    return tx.preparedQuery(PERIOD)
        .execute(Tuple.of(accountId, utc(from), utc(to), limit))
        .map(StatementRepository::lines);
  }

  /** Up to {@code limit} entries a settlement window settled, oldest first. */
  public Uni<List<Line>> settled(SqlClient tx, UUID windowId, int limit) {
    return tx.preparedQuery(SETTLED).execute(Tuple.of(windowId, limit)).map(StatementRepository::lines);
  }

  /** The account's balance from its entries before {@code at}. */
  public Uni<Long> balanceBefore(SqlClient tx, UUID accountId, Instant at) {
    return tx.preparedQuery(SUM_BEFORE)
        .execute(Tuple.of(accountId, utc(at)))
        .map(rows -> rows.iterator().next().getLong("total"));
  }

  /** The merchant's ledger account in this currency, if it ever had one (never created by a read). */
  public Uni<Optional<UUID>> merchantAccount(SqlClient tx, String partnerClientId, String currency) {
    return tx.preparedQuery("select id from accounts where kind = 'MERCHANT' and owner = $1 and currency = $2")
        .execute(Tuple.of(partnerClientId, currency))
        .map(
            rows -> {
              var iterator = rows.iterator();
              return iterator.hasNext() ? Optional.of(iterator.next().getUUID("id")) : Optional.<UUID>empty();
            });
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static List<Line> lines(RowSet<Row> rows) {
    List<Line> lines = new ArrayList<>();
    for (Row row : rows) {
      lines.add(
          new Line(
              row.getLong("id"),
              row.getUUID("posting_id"),
              row.getString("posting_kind"),
              row.getUUID("ref_id"),
              row.getUUID("account_id"),
              row.getString("currency"),
              row.getLong("amount_minor"),
              row.getOffsetDateTime("created_at").toInstant(),
              row.getLong("balance_after"),
              row.getUUID("charge_id"),
              row.getUUID("refund_id"),
              row.getString("partner_client_id"),
              row.getString("merchant_name"),
              row.getString("description"),
              row.getLong("fee_minor"),
              row.getString("cp_kind"),
              row.getString("cp_owner")));
    }
    return lines;
  }
}
