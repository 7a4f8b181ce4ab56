package io.farthing.notify.webhook;

import io.farthing.common.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The queries on webhook_deliveries, webhook_digest_items and webhook_attempts (the log). */
@ApplicationScoped
public class DeliveryStore {
  private static final String COLUMNS =
      "d.id, d.endpoint_id, d.kind, d.event_id, d.status, d.attempts, d.next_attempt_at, d.created_at, d.delivered_at,"
          + " d.parked_at, d.parked_reason, coalesce(ev.type, 'digest') as event_type, e.partner_client_id";

  /** A delivery per event and endpoint; a repeated event is ignored by the unique index. */
  public Uni<Void> addPerEvent(SqlClient tx, List<UUID> endpoints, UUID eventId, String orderingKey, long sequence) {
    if (endpoints.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<Tuple> rows =
        endpoints.stream().map(e -> Tuple.of(Ids.newId(), e, eventId, orderingKey, sequence)).toList();
    return tx.preparedQuery(
            "insert into webhook_deliveries (id, endpoint_id, kind, event_id, ordering_key, event_sequence, status,"
                + " next_attempt_at) values ($1, $2, 'PER_EVENT', $3, $4, $5, 'PENDING', now())"
                + " on conflict (endpoint_id, event_id) where event_id is not null do nothing")
        .executeBatch(rows)
        .replaceWithVoid();
  }

  /**
   * Adds the event to the endpoint's collecting batch, opening one (closing at now + window) when
   * there is none or it is full. The batch row is locked until this transaction ends, so the
   * dispatcher cannot close it between our add and our commit: no event is left out of a batch.
   */
  public Uni<Void> addToDigest(SqlClient tx, UUID endpointId, long windowMs, int maxEvents, UUID eventId, int tries) {
    return tx.preparedQuery(
            "update webhook_deliveries set item_count = item_count + 1 where endpoint_id = $1 and status = 'COLLECTING'"
                + " and item_count < $2 returning id, item_count")
        .execute(Tuple.of(endpointId, maxEvents))
        .chain(
            rows -> {
              if (rows.iterator().hasNext()) {
                Row batch = rows.iterator().next();
                return addItem(tx, batch.getUUID("id"), batch.getInteger("item_count") - 1, eventId);
              }
              UUID batch = Ids.newId();
              return tx.preparedQuery(
                      "update webhook_deliveries set status = 'PENDING', next_attempt_at = now()"
                          + " where endpoint_id = $1 and status = 'COLLECTING'")
                  .execute(Tuple.of(endpointId))
                  .chain(
                      () ->
                          tx.preparedQuery(
                                  "insert into webhook_deliveries (id, endpoint_id, kind, ordering_key, event_sequence,"
                                      + " status, next_attempt_at, item_count) values ($1, $2, 'DIGEST', 'digest', 0,"
                                      + " 'COLLECTING', now() + $3 * interval '1 millisecond', 1)"
                                      + " on conflict (endpoint_id) where status = 'COLLECTING' do nothing returning id")
                              .execute(Tuple.of(batch, endpointId, windowMs)))
                  .chain(
                      inserted -> {
                        if (inserted.iterator().hasNext()) {
                          return addItem(tx, batch, 0, eventId);
                        }
                        if (tries <= 0) {
                          return Uni.createFrom().failure(new IllegalStateException("digest batch contention"));
                        }
                        // Another Publish opened a batch at the same moment: join it.
                        return addToDigest(tx, endpointId, windowMs, maxEvents, eventId, tries - 1);
                      });
            });
  }

  private Uni<Void> addItem(SqlClient tx, UUID batch, int position, UUID eventId) {
    return tx.preparedQuery("insert into webhook_digest_items (delivery_id, position, event_id) values ($1, $2, $3)")
        .execute(Tuple.of(batch, position, eventId))
        .replaceWithVoid();
  }

  /** The delivery log of one endpoint, newest first, optionally one status only. */
  public Uni<List<Delivery>> list(SqlClient client, UUID endpointId, Delivery.Status status, UUID before, int limit) {
    return client
        .preparedQuery(
            "select " + COLUMNS + " from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id"
                + " left join events ev on ev.event_id = d.event_id where d.endpoint_id = $1 and ($2::text is null or d.status = $2) and ($3::uuid is null or d.id < $3)"
                + " order by d.id desc limit $4")
        .execute(Tuple.from(Arrays.asList(endpointId, status == null ? null : status.name(), before, limit)))
        .chain(rows -> withDetails(client, rows));
  }

  /** Parked deliveries across partners (operators), oldest first, optionally one partner's. */
  public Uni<List<Delivery>> parked(SqlClient client, String partner, UUID after, int limit) {
    return client
        .preparedQuery(
            "select " + COLUMNS + " from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id"
                + " left join events ev on ev.event_id = d.event_id"
                + " where d.status = 'PARKED' and ($1::text is null or e.partner_client_id = $1)"
                + " and ($2::uuid is null or d.id > $2) order by d.id limit $3")
        .execute(Tuple.from(Arrays.asList(partner, after, limit)))
        .chain(rows -> withDetails(client, rows));
  }

  public Uni<Delivery> find(SqlClient client, UUID id) {
    return client
        .preparedQuery(
            "select " + COLUMNS + " from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id"
                + " left join events ev on ev.event_id = d.event_id where d.id = $1")
        .execute(Tuple.of(id))
        .chain(rows -> withDetails(client, rows))
        .map(list -> list.isEmpty() ? null : list.get(0));
  }

  /** The delivery's status and its endpoint's partner and state, locked, for a replay decision. */
  public Uni<Row> lockForReplay(SqlClient tx, UUID id) {
    return tx.preparedQuery(
            "select d.status, e.partner_client_id, e.enabled from webhook_deliveries d"
                + " join webhook_endpoints e on e.id = d.endpoint_id where d.id = $1 for update of d")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
  }

  /** Starts a new cycle of attempts for one delivery. */
  public Uni<Void> replay(SqlClient tx, UUID id, String by) {
    return tx.preparedQuery(REPLAY + " where id = $1").execute(Tuple.of(id, by)).replaceWithVoid();
  }

  /** Starts a new cycle for every parked delivery of the endpoint; returns how many. */
  public Uni<Integer> replayParked(SqlClient tx, UUID endpointId, String by) {
    return tx.preparedQuery(REPLAY + " where endpoint_id = $1 and status = 'PARKED'")
        .execute(Tuple.of(endpointId, by))
        .map(RowSet::rowCount);
  }

  private static final String REPLAY =
      "update webhook_deliveries set status = 'PENDING', attempts = 0, cycle = cycle + 1, next_attempt_at = now(),"
          + " lease_token = null, lease_until = null, delivered_at = null, parked_at = null, parked_reason = null,"
          + " last_error = null, replayed_at = now(), replayed_by = $2";

  private Uni<List<Delivery>> withDetails(SqlClient client, RowSet<Row> rows) {
    List<Row> found = new ArrayList<>();
    rows.forEach(found::add);
    if (found.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    UUID[] ids = found.stream().map(r -> r.getUUID("id")).toArray(UUID[]::new);
    Uni<Map<UUID, List<Delivery.Attempt>>> attempts =
        client
            .preparedQuery(
                "select delivery_id, attempt_no, cycle, started_at, http_status, error_class, latency_ms"
                    + " from webhook_attempts where delivery_id = any($1) order by cycle, attempt_no")
            .execute(Tuple.of(ids))
            .map(
                set -> {
                  Map<UUID, List<Delivery.Attempt>> byDelivery = new HashMap<>();
                  set.forEach(
                      r ->
                          byDelivery
                              .computeIfAbsent(r.getUUID("delivery_id"), k -> new ArrayList<>())
                              .add(
                                  new Delivery.Attempt(
                                      r.getInteger("attempt_no"), r.getInteger("cycle"),
                                      EndpointStore.instant(r.getOffsetDateTime("started_at")),
                                      r.getInteger("http_status"), r.getString("error_class"),
                                      r.getInteger("latency_ms"))));
                  return byDelivery;
                });
    Uni<Map<UUID, List<UUID>>> items =
        client
            .preparedQuery(
                "select delivery_id, event_id from webhook_digest_items where delivery_id = any($1)"
                    + " order by delivery_id, position")
            .execute(Tuple.of(ids))
            .map(
                set -> {
                  Map<UUID, List<UUID>> byDelivery = new HashMap<>();
                  set.forEach(
                      r -> byDelivery.computeIfAbsent(r.getUUID("delivery_id"), k -> new ArrayList<>()).add(r.getUUID("event_id")));
                  return byDelivery;
                });
    return attempts.chain(
        a ->
            items.map(
                i -> {
                  Map<UUID, Delivery> out = new LinkedHashMap<>();
                  for (Row r : found) {
                    UUID id = r.getUUID("id");
                    DeliveryMode kind = DeliveryMode.valueOf(r.getString("kind"));
                    List<UUID> events =
                        kind == DeliveryMode.PER_EVENT ? List.of(r.getUUID("event_id")) : i.getOrDefault(id, List.of());
                    out.put(
                        id,
                        new Delivery(
                            id, r.getUUID("endpoint_id"), r.getString("partner_client_id"), kind, events, r.getString("event_type"),
                            Delivery.Status.valueOf(r.getString("status")), r.getInteger("attempts"),
                            EndpointStore.instant(r.getOffsetDateTime("next_attempt_at")),
                            EndpointStore.instant(r.getOffsetDateTime("created_at")),
                            EndpointStore.instant(r.getOffsetDateTime("delivered_at")),
                            EndpointStore.instant(r.getOffsetDateTime("parked_at")), r.getString("parked_reason"),
                            a.getOrDefault(id, List.of())));
                  }
                  return new ArrayList<>(out.values());
                }));
  }
}
