package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
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
import java.util.Locale;
import java.util.UUID;

/**
 * Table {@code outbound_messages}. A replica claims due rows in one statement (FOR UPDATE SKIP
 * LOCKED, so replicas never claim the same row) by moving their due time one lease ahead and
 * counting the attempt; it then sends outside any transaction and settles the row only if its
 * claim (the attempt number) is still the current one.
 */
@ApplicationScoped
public class OutboundRepository {
  private static final String COLUMNS =
      "id, alert_id, user_id, channel, recipient, subject, body, due_at, held_until, attempts";
  private static final String INSERT =
      "insert into outbound_messages (id, alert_id, user_id, channel, recipient, subject, body, due_at, held_until,"
          + " created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) on conflict (alert_id, channel) do nothing";
  private static final String CLAIM =
      "update outbound_messages m set due_at = now() + make_interval(secs => $2), attempts = m.attempts + 1"
          + " from (select id from outbound_messages where status = 'PENDING' and due_at <= now()"
          + " order by due_at limit $1 for update skip locked) due where m.id = due.id returning "
          + "m.id, m.alert_id, m.user_id, m.channel, m.recipient, m.subject, m.body, m.due_at, m.held_until, m.attempts";

  public Uni<Void> insert(SqlClient tx, OutboundMessage m) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    m.id(), m.alertId(), m.userId(), m.channel().wireName(), m.recipient(), m.subject(), m.body(),
                    utc(m.dueAt()), utc(m.heldUntil()))))
        .replaceWithVoid();
  }

  public Uni<List<OutboundMessage>> claim(SqlClient client, int batch, Duration lease) {
    return client
        .preparedQuery(CLAIM)
        .execute(Tuple.of(batch, lease.toMillis() / 1000.0))
        .map(
            rows -> {
              List<OutboundMessage> claimed = new ArrayList<>(rows.rowCount());
              for (Row row : rows) {
                claimed.add(read(row));
              }
              return claimed;
            });
  }

  public Uni<Boolean> sent(SqlClient client, OutboundMessage m) {
    return settle(
        client,
        "update outbound_messages set status = 'SENT', sent_at = now(), last_error = null"
            + " where id = $1 and attempts = $2 and status = 'PENDING'",
        Tuple.of(m.id(), m.attempts()));
  }

  public Uni<Boolean> retryLater(SqlClient client, OutboundMessage m, String error, Duration backoff) {
    return settle(
        client,
        "update outbound_messages set due_at = now() + make_interval(secs => $3), last_error = $4"
            + " where id = $1 and attempts = $2 and status = 'PENDING'",
        Tuple.of(m.id(), m.attempts(), backoff.toMillis() / 1000.0, error));
  }

  public Uni<Boolean> failed(SqlClient client, OutboundMessage m, String error) {
    return settle(
        client,
        "update outbound_messages set status = 'FAILED', last_error = $3"
            + " where id = $1 and attempts = $2 and status = 'PENDING'",
        Tuple.of(m.id(), m.attempts(), error));
  }

  private static Uni<Boolean> settle(SqlClient client, String sql, Tuple args) {
    return client.preparedQuery(sql).execute(args).map(rows -> rows.rowCount() == 1);
  }

  private static OutboundMessage read(Row row) {
    OffsetDateTime held = row.getOffsetDateTime("held_until");
    return new OutboundMessage(
        row.getUUID("id"), row.getUUID("alert_id"), row.getUUID("user_id"),
        ChannelKind.valueOf(row.getString("channel").toUpperCase(Locale.ROOT)), row.getString("recipient"),
        row.getString("subject"), row.getString("body"), row.getOffsetDateTime("due_at").toInstant(),
        held == null ? null : held.toInstant(), row.getInteger("attempts"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static UUID id(OutboundMessage m) {
    return m.id();
  }
}
