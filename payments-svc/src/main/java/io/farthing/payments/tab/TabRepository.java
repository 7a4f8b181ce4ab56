package io.farthing.payments.tab;

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

/** The tabs and tab_items tables. Every change of a tab is conditional on it being OPEN. */
@ApplicationScoped
public class TabRepository {
  private static final String COLUMNS =
      "id, partner_client_id, user_id, wallet_id, currency, cap_minor, total_minor, settled_minor, threshold_minor,"
          + " settlement_count, status, close_reason, description, device_id, consent_id, decision_id, expires_at,"
          + " closed_at, version, created_at, kind, last_sequence, increment_count, last_usage_at";
  private static final String INSERT =
      "insert into tabs (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
          + " $16, $17, $18, $19, $20, $21, $22, $23, $24)";
  /**
   * The one statement an item needs: the total raised only if the tab is the partner's, OPEN, in
   * the item's currency, and the new total stays within the cap. The row lock it takes orders
   * concurrent adds, closes and the janitor on the same tab (on any replica).
   */
  private static final String ADD =
      "update tabs set total_minor = total_minor + $4, updated_at = now()"
          + " where id = $1 and partner_client_id = $2 and currency = $3 and kind = 'ITEMS' and status = 'OPEN'"
          + " and total_minor + $4 <= cap_minor returning " + COLUMNS;
  /**
   * The one statement a metered increment needs: counted only if the tab is the partner's,
   * METERED, OPEN, in the increment's currency, the sequence is above the last counted one (so a
   * replay changes nothing) and the total stays within the budget.
   */
  private static final String METER =
      "update tabs set total_minor = total_minor + $4, last_sequence = $5, increment_count = increment_count + 1,"
          + " last_usage_at = now(), updated_at = now()"
          + " where id = $1 and partner_client_id = $2 and currency = $3 and kind = 'METERED' and status = 'OPEN'"
          + " and last_sequence < $5 and total_minor + $4 <= cap_minor returning total_minor";
  private static final String INSERT_ITEM =
      "insert into tab_items (id, tab_id, amount_minor, description, total_after_minor, created_at)"
          + " values ($1, $2, $3, $4, $5, $6)";
  private static final String SETTLE =
      "update tabs set settled_minor = total_minor, settlement_count = settlement_count + 1, version = version + 1,"
          + " updated_at = now() where id = $1 and status = 'OPEN' and settled_minor = $2 and total_minor = $3";
  private static final String RECORD_SETTLEMENT = "insert into tab_settlements (charge_id, tab_id) values ($2, $1)";
  private static final String MARK_ITEMS =
      "update tab_items set charge_id = $2 where tab_id = $1 and charge_id is null";
  private static final String CLOSE =
      "update tabs set status = 'CLOSED', close_reason = $2, closed_at = $3, version = version + 1,"
          + " updated_at = now() where id = $1 and status = 'OPEN' and settled_minor = total_minor";
  private static final String ITEMS =
      "select id, tab_id, amount_minor, description, total_after_minor, charge_id, created_at from tab_items"
          + " where tab_id = $1 order by id desc limit $2";

  private final Pool pool;

  public TabRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Void> insert(SqlClient tx, Tab t) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    t.id(), t.partnerClientId(), t.userId(), t.walletId(), t.currency(), t.capMinor(), t.totalMinor(),
                    t.settledMinor(), t.thresholdMinor(), t.settlementCount(), t.status().name(),
                    t.closeReason() == null ? null : t.closeReason().name(), t.description(), t.deviceId(),
                    t.consentId(), t.decisionId(), time(t.expiresAt()), time(t.closedAt()), t.version(),
                    time(t.createdAt()), t.kind().name(), t.usage().lastSequence(), t.usage().increments(),
                    time(t.usage().lastAt()))))
        .replaceWithVoid();
  }

  /** The tab after adding {@code amountMinor}, or empty when the conditions refused it. */
  public Uni<Optional<Tab>> add(SqlClient tx, UUID tabId, String partner, String currency, long amountMinor) {
    return tx.preparedQuery(ADD)
        .execute(Tuple.of(tabId, partner, currency, amountMinor))
        .map(TabRepository::first);
  }

  /** Counts one metered increment; true when it was counted, false when the conditions refused it. */
  public Uni<Boolean> meter(
      SqlClient client, UUID tabId, String partner, String currency, long amountMinor, long sequence) {
    return client
        .preparedQuery(METER)
        .execute(Tuple.of(tabId, partner, currency, amountMinor, sequence))
        .map(rows -> rows.rowCount() == 1);
  }

  public Uni<Void> insertItem(SqlClient tx, Tab.Item item) {
    return tx.preparedQuery(INSERT_ITEM)
        .execute(
            Tuple.of(
                item.id(), item.tabId(), item.amountMinor(), item.description(), item.totalAfterMinor(),
                time(item.createdAt())))
        .replaceWithVoid();
  }

  /**
   * Marks everything added so far as settled by {@code chargeId} (and records that charge as the
   * tab's settlement, in tab_settlements); conditional on the tab being
   * exactly as {@code seen} (read under its row lock), so a settlement happens once.
   */
  public Uni<Void> settle(SqlClient tx, Tab seen, UUID chargeId) {
    return tx.preparedQuery(SETTLE)
        .execute(Tuple.of(seen.id(), seen.settledMinor(), seen.totalMinor()))
        .map(result -> requireOne(result, "settled", seen.id()))
        .chain(() -> tx.preparedQuery(RECORD_SETTLEMENT).execute(Tuple.of(seen.id(), chargeId)))
        .chain(
            () ->
                seen.kind() == Tab.Kind.METERED
                    ? Uni.createFrom().voidItem()
                    : tx.preparedQuery(MARK_ITEMS).execute(Tuple.of(seen.id(), chargeId)).replaceWithVoid())
        .replaceWithVoid();
  }

  public Uni<Void> close(SqlClient tx, UUID tabId, TabStatus.CloseReason reason, Instant at) {
    return tx.preparedQuery(CLOSE)
        .execute(Tuple.of(tabId, reason.name(), time(at)))
        .map(result -> requireOne(result, "closed", tabId))
        .replaceWithVoid();
  }

  public Uni<Optional<Tab>> find(SqlClient client, UUID id) {
    return client
        .preparedQuery("select " + COLUMNS + " from tabs where id = $1")
        .execute(Tuple.of(id))
        .map(TabRepository::first);
  }

  public Uni<Optional<Tab>> find(UUID id) {
    return find(pool, id);
  }

  /** The tab, locked for the rest of {@code tx}; empty also when another transaction holds it. */
  public Uni<Optional<Tab>> lockUnlessBusy(SqlClient tx, UUID id) {
    return tx.preparedQuery("select " + COLUMNS + " from tabs where id = $1 for update skip locked")
        .execute(Tuple.of(id))
        .map(TabRepository::first);
  }

  /** The tab, locked for the rest of {@code tx} (waiting for an add or settlement in flight). */
  public Uni<Optional<Tab>> lock(SqlClient tx, UUID id) {
    return tx.preparedQuery("select " + COLUMNS + " from tabs where id = $1 for update")
        .execute(Tuple.of(id))
        .map(TabRepository::first);
  }

  public Uni<List<Tab.Item>> items(SqlClient client, UUID tabId, int limit) {
    return client
        .preparedQuery(ITEMS)
        .execute(Tuple.of(tabId, limit))
        .map(
            rows -> {
              List<Tab.Item> out = new ArrayList<>();
              rows.forEach(row -> out.add(item(row)));
              return out;
            });
  }

  public Uni<List<Tab>> ofUser(UUID userId, int limit) {
    return pool.preparedQuery("select " + COLUMNS + " from tabs where user_id = $1 order by id desc limit $2")
        .execute(Tuple.of(userId, limit))
        .map(TabRepository::all);
  }

  /**
   * Open tabs past their time limit and metered tabs without usage for {@code idle}, oldest
   * first (not locked: each is then closed on its own).
   */
  public Uni<List<UUID>> due(int limit, Duration idle) {
    return pool.preparedQuery(
            "select id from tabs where status = 'OPEN' and (expires_at <= now() or (kind = 'METERED'"
                + " and coalesce(last_usage_at, created_at) <= now() - $2 * interval '1 millisecond'))"
                + " order by case when kind = 'METERED' then least(expires_at, coalesce(last_usage_at, created_at))"
                + " else expires_at end limit $1")
        .execute(Tuple.of(limit, idle.toMillis()))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  private static Void requireOne(RowSet<Row> result, String what, UUID tabId) {
    if (result.rowCount() != 1) {
      throw new IllegalStateException("tab " + tabId + " changed under its row lock while it was " + what);
    }
    return null;
  }

  private static Optional<Tab> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(tab(iterator.next())) : Optional.empty();
  }

  private static List<Tab> all(RowSet<Row> rows) {
    List<Tab> out = new ArrayList<>();
    rows.forEach(row -> out.add(tab(row)));
    return out;
  }

  private static Tab tab(Row r) {
    String reason = r.getString("close_reason");
    return new Tab(
        r.getUUID("id"), r.getString("partner_client_id"), r.getUUID("user_id"), r.getUUID("wallet_id"),
        r.getString("currency"), r.getLong("cap_minor"), r.getLong("total_minor"), r.getLong("settled_minor"),
        r.getLong("threshold_minor"), r.getInteger("settlement_count"), TabStatus.valueOf(r.getString("status")),
        reason == null ? null : TabStatus.CloseReason.valueOf(reason), r.getString("description"),
        r.getString("device_id"), r.getString("consent_id"), r.getString("decision_id"), instant(r, "expires_at"),
        instant(r, "closed_at"), r.getInteger("version"), instant(r, "created_at"),
        Tab.Kind.valueOf(r.getString("kind")),
        new Tab.Usage(r.getLong("last_sequence"), r.getLong("increment_count"), instant(r, "last_usage_at")));
  }

  private static Tab.Item item(Row r) {
    return new Tab.Item(
        r.getUUID("id"), r.getUUID("tab_id"), r.getLong("amount_minor"), r.getString("description"),
        r.getLong("total_after_minor"), r.getUUID("charge_id"), instant(r, "created_at"));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
