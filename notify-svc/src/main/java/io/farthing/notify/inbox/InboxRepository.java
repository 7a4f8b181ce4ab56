package io.farthing.notify.inbox;

import io.farthing.notify.alert.UserAlert;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Table {@code alerts}: the inbox's queries. Only in-app alerts are ever shown. */
@ApplicationScoped
public class InboxRepository {
  private static final String COLUMNS =
      "id, user_id, event_id, type, title, body, data, in_app, event_occurred_at, created_at, read_at";
  private static final String INSERT =
      "insert into alerts (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
          + " on conflict (event_id, user_id) do nothing";

  /** True when stored; false when this event already made an alert for this user. */
  public Uni<Boolean> insert(SqlClient tx, UserAlert a) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    a.id(), a.userId(), a.eventId(), a.type(), a.title(), a.body(), a.data(), a.inApp(),
                    utc(a.eventOccurredAt()), utc(a.createdAt()), null)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Newest first, strictly older than {@code beforeId} when given; {@code limit + 1} rows at most. */
  public Uni<List<UserAlert>> page(SqlClient client, UUID userId, UUID beforeId, boolean unreadOnly, int limit) {
    String sql =
        "select " + COLUMNS + " from alerts where user_id = $1 and in_app"
            + (unreadOnly ? " and read_at is null" : "")
            + " and ($2::uuid is null or id < $2) order by id desc limit $3";
    return client.preparedQuery(sql).execute(Tuple.of(userId, beforeId, limit + 1)).map(InboxRepository::all);
  }

  /** Oldest first, strictly after {@code afterId}: the newest {@code limit} of them. */
  public Uni<List<UserAlert>> after(SqlClient client, UUID userId, UUID afterId, int limit) {
    String sql =
        "select * from (select " + COLUMNS + " from alerts where user_id = $1 and in_app and id > $2"
            + " order by id desc limit $3) newest order by id";
    return client.preparedQuery(sql).execute(Tuple.of(userId, afterId, limit)).map(InboxRepository::all);
  }

  public Uni<Optional<UserAlert>> markRead(SqlClient client, UUID userId, UUID alertId) {
    String sql =
        "update alerts set read_at = coalesce(read_at, now()) where id = $1 and user_id = $2 and in_app"
            + " returning " + COLUMNS;
    return client.preparedQuery(sql).execute(Tuple.of(alertId, userId)).map(rows -> all(rows).stream().findFirst());
  }

  /** Marks every unread alert created up to now read; the number marked. */
  public Uni<Integer> markAllRead(SqlClient client, UUID userId) {
    String sql =
        "update alerts set read_at = now() where user_id = $1 and in_app and read_at is null and created_at <= now()";
    return client.preparedQuery(sql).execute(Tuple.of(userId)).map(RowSet::rowCount);
  }

  public Uni<Long> unreadCount(SqlClient client, UUID userId) {
    return client
        .preparedQuery("select count(*) from alerts where user_id = $1 and in_app and read_at is null")
        .execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private static List<UserAlert> all(RowSet<Row> rows) {
    List<UserAlert> alerts = new ArrayList<>(rows.rowCount());
    for (Row row : rows) {
      alerts.add(read(row));
    }
    return alerts;
  }

  private static UserAlert read(Row row) {
    OffsetDateTime read = row.getOffsetDateTime("read_at");
    return new UserAlert(
        row.getUUID("id"), row.getUUID("user_id"), row.getUUID("event_id"), row.getString("type"),
        row.getString("title"), row.getString("body"), row.getJsonObject("data"), row.getBoolean("in_app"),
        row.getOffsetDateTime("event_occurred_at").toInstant(), row.getOffsetDateTime("created_at").toInstant(),
        read == null ? null : read.toInstant());
  }

  private static OffsetDateTime utc(java.time.Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
