package io.farthing.payments.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.payments.ledger.ReconciliationReport.PostingProblem;
import io.farthing.payments.ledger.ReconciliationReport.SettlementProblem;
import io.farthing.payments.ledger.ReconciliationReport.WalletDrift;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The reconciliation queries. They run in one REPEATABLE READ transaction: every check sees the
 * same snapshot, and since a wallet's cached balance and its entries are written in one
 * transaction, a snapshot never catches one without the other. Nothing here locks a ledger row,
 * so charges go on while a run reads.
 */
@ApplicationScoped
public class ReconciliationRepository {
  /** pg_try_advisory_xact_lock key: "farthing reconciliation" folded into a bigint, fixed forever. */
  static final long LOCK_KEY = 0x4661727468526563L;

  /** Per account and currency, the sum and count of its entries: the one full scan the account checks share. */
  private static final String SUMS =
      """
      create temp table reconciliation_sums on commit drop as
      select account_id, currency, sum(amount_minor)::bigint as total, count(*) as entries
        from entries group by account_id, currency
      """;
  private static final String WALLET_DRIFT =
      """
      select a.id as wallet_id, w.user_id, a.currency, w.balance_minor, coalesce(s.total, 0)::bigint as entries_sum,
             count(*) over () as drifting
        from accounts a
        left join wallets w on w.id = a.id
        left join (select account_id, sum(total)::bigint as total from reconciliation_sums group by account_id) s
               on s.account_id = a.id
       where a.kind = 'USER_WALLET' and coalesce(w.balance_minor, 0) <> coalesce(s.total, 0)
       order by abs(coalesce(w.balance_minor, 0) - coalesce(s.total, 0)) desc, a.id
       limit $1
      """;
  private static final String KIND_TOTALS =
      """
      select coalesce(a.kind, 'UNKNOWN') as kind, s.currency, sum(s.total)::bigint as total
        from reconciliation_sums s left join accounts a on a.id = s.account_id
       group by 1, 2
      """;
  private static final String WALLETS_CACHED =
      "select currency, count(*) as wallets, sum(balance_minor)::bigint as total from wallets group by currency";
  // What the holds account must hold: AUTHORIZED charges, and what OPEN tabs still hold (cap - settled).
  private static final String AUTHORIZED_CHARGES =
      "select currency, sum(held)::bigint as total from ("
          + "select currency, authorized_minor as held from charges where status = 'AUTHORIZED'"
          + " union all select currency, cap_minor - settled_minor from tabs where status = 'OPEN'"
          + ") holds group by currency";
  private static final String POSTING_PROBLEMS =
      """
      select e.posting_id, p.kind, e.currency, sum(e.amount_minor)::bigint as total, count(*) as entries,
             bool_or(a.id is null or a.currency <> e.currency) as mismatched, count(*) over () as problems
        from entries e
        join postings p on p.id = e.posting_id
        left join accounts a on a.id = e.account_id
       group by e.posting_id, p.kind, e.currency
      having sum(e.amount_minor) <> 0 or bool_or(a.id is null or a.currency <> e.currency)
       order by e.posting_id
       limit $1
      """;
  private static final String TOO_FEW_ENTRIES =
      """
      select p.id, p.kind, count(e.id) as entries, count(*) over () as problems
        from postings p left join entries e on e.posting_id = p.id
       group by p.id, p.kind
      having count(e.id) < 2
       order by p.id
       limit $1
      """;
  /**
   * Settlement windows (issue 8), per closed window: its settled lines sum to its payout, the
   * payout posting moved exactly that to PAYOUTS_PENDING, all its lines (with the payout's own
   * entry) sum to zero, and each line is its entry (amount, account, created before the window's
   * end). Per account: no entry created before its latest paid-out window's end (and longer than
   * the late-commit grace before that window closed) is left in no window; assigned entries sum
   * to zero, so the merchant's balance is its unassigned entries. No line is in an OPEN window.
   */
  private static final String SETTLEMENT_PROBLEMS =
      """
      with w as (
        select id, account_id, ends_at, closed_at, payout_minor, line_count, payout_posting_id
          from settlement_windows where status <> 'OPEN'),
      l as (
        select sl.window_id,
               count(*) filter (where e.posting_id is distinct from w.payout_posting_id) as settled_lines,
               coalesce(sum(sl.amount_minor) filter (where e.posting_id is distinct from w.payout_posting_id), 0)::bigint
                 as settled_minor,
               coalesce(sum(sl.amount_minor), 0)::bigint as total_minor,
               bool_or(e.id is null or e.amount_minor <> sl.amount_minor or e.account_id <> w.account_id
                       or (e.posting_id is distinct from w.payout_posting_id and e.created_at >= w.ends_at)) as foreign_line
          from settlement_lines sl join w on w.id = sl.window_id left join entries e on e.id = sl.entry_id
         group by sl.window_id),
      p as (
        select w.id as window_id, coalesce(sum(x.amount_minor), 0)::bigint as posted_minor
          from w join entries x on x.posting_id = w.payout_posting_id
          join accounts xa on xa.id = x.account_id and xa.kind = 'PAYOUTS_PENDING'
         group by w.id),
      latest as (
        select distinct on (account_id) id, account_id, ends_at, closed_at
          from w where payout_minor > 0 order by account_id, ends_at desc),
      problems as (
        select w.id as window_id, w.account_id, 'LINES_MISMATCH' as problem, w.payout_minor as expected_minor,
               coalesce(l.settled_minor, 0)::bigint as actual_minor, coalesce(l.settled_lines, 0)::bigint as entries
          from w left join l on l.window_id = w.id left join p on p.window_id = w.id
         where coalesce(l.settled_lines, 0) <> w.line_count or coalesce(l.settled_minor, 0) <> w.payout_minor
            or coalesce(p.posted_minor, 0) <> w.payout_minor or coalesce(l.total_minor, 0) <> 0
            or coalesce(l.foreign_line, false)
        union all
        select latest.id, latest.account_id, 'MISSED_ENTRY', 0, sum(e.amount_minor)::bigint, count(*)
          from latest join entries e on e.account_id = latest.account_id and e.created_at < latest.ends_at
                                    and e.created_at < latest.closed_at - $2 * interval '1 millisecond'
         where not exists (select 1 from settlement_lines sl where sl.entry_id = e.id)
         group by latest.id, latest.account_id
        union all
        select ow.id, ow.account_id, 'LINES_IN_OPEN_WINDOW', 0, sum(sl.amount_minor)::bigint, count(*)
          from settlement_lines sl join settlement_windows ow on ow.id = sl.window_id and ow.status = 'OPEN'
         group by ow.id, ow.account_id
        union all
        select null::uuid, e.account_id, 'ASSIGNED_NOT_ZERO', 0, sum(e.amount_minor)::bigint, count(*)
          from settlement_lines sl join entries e on e.id = sl.entry_id
         group by e.account_id having sum(e.amount_minor) <> 0)
      select window_id, account_id, problem, expected_minor, actual_minor, entries, count(*) over () as problems
        from problems order by problem, window_id, account_id limit $1
      """;
  private static final String INSERT_RUN =
      "insert into reconciliation_runs (id, trigger, requested_by, started_at, finished_at, drift, problems, report)"
          + " values ($1, $2, $3, $4, $5, $6, $7, $8)";

  /** Account check results: the drifting wallets listed and how many there are in all. */
  public record Listed<T>(List<T> items, long total) {}

  /** Sums per currency and key, e.g. kind → currency → total. */
  public record Totals(Map<String, Map<String, Long>> byKind, Map<String, Long> walletsCached, Map<String, Long> walletCounts,
      Map<String, Long> authorizedCharges) {}

  private final Pool pool;
  private final ObjectMapper json;

  public ReconciliationRepository(Pool pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  /**
   * Makes {@code tx} a snapshot for the run and takes the run lock for its lifetime (released at
   * commit or rollback, so a crashed run never holds it). False: another replica is running.
   */
  public Uni<Boolean> begin(SqlConnection tx, Duration statementTimeout) {
    return tx.query("set transaction isolation level repeatable read")
        .execute()
        .chain(() -> tx.query("set local statement_timeout = " + Math.max(1, statementTimeout.toMillis())).execute())
        .chain(() -> tx.preparedQuery("select pg_try_advisory_xact_lock($1) as locked").execute(Tuple.of(LOCK_KEY)))
        .map(rows -> rows.iterator().next().getBoolean("locked"));
  }

  /** The snapshot's clock: the transaction's start. */
  public Uni<Instant> now(SqlConnection tx) {
    return tx.query("select now() as now").execute().map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant());
  }

  /** Whether any run started less than {@code spacing} ago. */
  public Uni<Boolean> ranWithin(SqlConnection tx, Duration spacing) {
    return tx.preparedQuery(
            "select exists (select 1 from reconciliation_runs where started_at > now() - $1 * interval '1 millisecond')"
                + " as recent")
        .execute(Tuple.of(spacing.toMillis()))
        .map(rows -> rows.iterator().next().getBoolean("recent"));
  }

  public Uni<Void> sumAccounts(SqlConnection tx) {
    return tx.query(SUMS).execute().replaceWithVoid();
  }

  public Uni<Long> count(SqlConnection tx, String table) {
    if (!table.equals("wallets") && !table.equals("postings")) {
      throw new IllegalArgumentException(table);
    }
    return tx.query("select count(*) as n from " + table).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  public Uni<Listed<WalletDrift>> walletDrift(SqlConnection tx, int limit) {
    return listed(
        tx,
        WALLET_DRIFT,
        limit,
        "drifting",
        row -> {
          Long cached = row.getLong("balance_minor");
          long entries = row.getLong("entries_sum");
          return new WalletDrift(
              row.getUUID("wallet_id"),
              row.getUUID("user_id"),
              row.getString("currency"),
              cached,
              entries,
              Math.subtractExact(cached == null ? 0 : cached, entries));
        });
  }


  public Uni<Totals> totals(SqlConnection tx) {
    Map<String, Map<String, Long>> byKind = new HashMap<>();
    Map<String, Long> cached = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    Map<String, Long> authorized = new HashMap<>();
    return tx.query(KIND_TOTALS)
        .execute()
        .invoke(
            rows ->
                rows.forEach(
                    row ->
                        byKind
                            .computeIfAbsent(row.getString("kind"), k -> new HashMap<>())
                            .put(row.getString("currency"), row.getLong("total"))))
        .chain(() -> tx.query(WALLETS_CACHED).execute())
        .invoke(
            rows ->
                rows.forEach(
                    row -> {
                      cached.put(row.getString("currency"), row.getLong("total"));
                      counts.put(row.getString("currency"), row.getLong("wallets"));
                    }))
        .chain(() -> tx.query(AUTHORIZED_CHARGES).execute())
        .invoke(rows -> rows.forEach(row -> authorized.put(row.getString("currency"), row.getLong("total"))))
        .map(ignored -> new Totals(byKind, cached, counts, authorized));
  }

  public Uni<Listed<PostingProblem>> unbalancedPostings(SqlConnection tx, int limit) {
    return listed(
        tx,
        POSTING_PROBLEMS,
        limit,
        "problems",
        row ->
            new PostingProblem(
                row.getUUID("posting_id"),
                row.getString("kind"),
                row.getString("currency"),
                Boolean.TRUE.equals(row.getBoolean("mismatched")) ? "ACCOUNT_MISMATCH" : "NOT_ZERO",
                row.getLong("total"),
                row.getLong("entries")));
  }

  public Uni<Listed<PostingProblem>> postingsWithTooFewEntries(SqlConnection tx, int limit) {
    return listed(
        tx,
        TOO_FEW_ENTRIES,
        limit,
        "problems",
        row -> new PostingProblem(row.getUUID("id"), row.getString("kind"), null, "TOO_FEW_ENTRIES", 0, row.getLong("entries")));
  }

  /**
   * The first {@code limit} rows of a problem query, mapped, with the total count every row
   * carries in {@code totalColumn} (a window count, so one statement gives both).
   */
  private static <T> Uni<Listed<T>> listed(
      SqlConnection tx, String sql, int limit, String totalColumn, java.util.function.Function<Row, T> mapper) {
    return tx.preparedQuery(sql)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<T> items = new ArrayList<>();
              long total = 0;
              for (Row row : rows) {
                total = row.getLong(totalColumn);
                items.add(mapper.apply(row));
              }
              return new Listed<>(items, total);
            });
  }

  public Uni<Long> closedSettlementWindows(SqlConnection tx) {
    return tx.query("select count(*) as n from settlement_windows where status <> 'OPEN'")
        .execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  public Uni<Listed<SettlementProblem>> settlementProblems(SqlConnection tx, int limit, Duration lateCommitGrace) {
    return tx.preparedQuery(SETTLEMENT_PROBLEMS)
        .execute(Tuple.of(limit, lateCommitGrace.toMillis()))
        .map(
            rows -> {
              List<SettlementProblem> items = new ArrayList<>();
              long total = 0;
              for (Row row : rows) {
                total = row.getLong("problems");
                items.add(
                    new SettlementProblem(
                        row.getUUID("window_id"), row.getUUID("account_id"), row.getString("problem"),
                        row.getLong("expected_minor"), row.getLong("actual_minor"), row.getLong("entries")));
              }
              return new Listed<>(items, total);
            });
  }

  public Uni<Void> insert(SqlConnection tx, ReconciliationReport report) {
    return tx.preparedQuery(INSERT_RUN)
        .execute(
            Tuple.from(
                java.util.Arrays.asList(
                    report.id(),
                    report.trigger(),
                    report.requestedBy(),
                    report.startedAt().atOffset(ZoneOffset.UTC),
                    report.finishedAt().atOffset(ZoneOffset.UTC),
                    report.drift(),
                    report.problems(),
                    new JsonObject(write(report)))))
        .replaceWithVoid();
  }

  public Uni<Optional<ReconciliationReport>> latest() {
    return pool.query("select report from reconciliation_runs order by started_at desc, id desc limit 1")
        .execute()
        .map(this::first);
  }

  public Uni<Optional<ReconciliationReport>> byId(UUID id) {
    return pool.preparedQuery("select report from reconciliation_runs where id = $1")
        .execute(Tuple.of(id))
        .map(this::first);
  }

  private Optional<ReconciliationReport> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    if (!iterator.hasNext()) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(iterator.next().getJsonObject("report").encode(), ReconciliationReport.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored reconciliation report could not be read back", e);
    }
  }

  private String write(ReconciliationReport report) {
    try {
      return json.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reconciliation report could not be written", e);
    }
  }
}
