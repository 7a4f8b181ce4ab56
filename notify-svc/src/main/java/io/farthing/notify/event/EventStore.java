package io.farthing.notify.event;

import io.farthing.common.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Accepts events, once each: the event row and every sink's fan-out rows commit together, and a
 * repeated event id (the publisher's relay delivers at least once) is acknowledged as a
 * duplicate without reaching any sink again.
 */
@ApplicationScoped
public class EventStore {
  private static final String INSERT =
      "insert into events (event_id, type, user_id, partner_client_id, ordering_key, sequence, occurred_at, data,"
          + " publisher) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (event_id) do nothing";

  /** The publisher recorded for the events notify-svc raises itself. */
  public static final String OWN_PUBLISHER = "notify-svc";

  private final Pool pool;
  private final List<EventSink> sinks;
  private final Counter accepted;
  private final Counter duplicates;

  public EventStore(Pool pool, Instance<EventSink> sinks, MeterRegistry meters) {
    this.pool = pool;
    this.sinks = sinks.stream().toList();
    this.accepted = Counter.builder("farthing.notify.events.accepted").register(meters);
    this.duplicates = Counter.builder("farthing.notify.events.duplicates").register(meters);
  }

  /** Stores {@code event} and fans it out; true when it had been accepted before (nothing done). */
  public Uni<Boolean> publish(StoredEvent event, String publisher) {
    validate(event);
    return pool.withTransaction(tx -> store(tx, event, publisher))
        .invoke(
            duplicate -> {
              if (duplicate) {
                duplicates.increment();
              } else {
                committed(event);
              }
            });
  }

  /**
   * Stores an event notify-svc raises itself (e.g. a webhook endpoint disabled) with every sink's
   * fan-out, in the caller's transaction; the caller calls {@link #committed} once it committed.
   */
  public Uni<Void> storeWithin(SqlConnection tx, StoredEvent event) {
    validate(event);
    return store(tx, event, OWN_PUBLISHER).replaceWithVoid();
  }

  /** After the transaction that stored {@code event} committed: the sinks' wake-ups. */
  public void committed(StoredEvent event) {
    accepted.increment();
    sinks.forEach(sink -> sink.committed(event));
  }

  private Uni<Boolean> store(SqlConnection tx, StoredEvent event, String publisher) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    event.eventId(), event.type(), event.userId(), event.partnerClientId(), event.orderingKey(),
                    event.sequence(), event.occurredAt().atOffset(ZoneOffset.UTC), event.data(), publisher)))
        .chain(
            rows -> {
              if (rows.rowCount() == 0) {
                return Uni.createFrom().item(true);
              }
              return Multi.createFrom()
                  .iterable(sinks)
                  .onItem()
                  .transformToUniAndConcatenate(sink -> sink.accept(tx, event))
                  .collect()
                  .last()
                  .replaceWith(false);
            });
  }

  private static void validate(StoredEvent event) {
    if (event.orderingKey() == null || event.orderingKey().isBlank()) {
      throw ApiException.invalid("event.ordering_key is required", "MISSING_FIELD");
    }
    if (!EventTypes.known(event.type())) {
      throw ApiException.invalid("Unknown event type " + event.type(), "UNKNOWN_EVENT_TYPE");
    }
    if (event.sequence() < 0) {
      throw ApiException.invalid("event.sequence must not be negative", "INVALID_SEQUENCE");
    }
    if (event.userId() == null && event.partnerClientId() == null) {
      throw ApiException.invalid("An event needs a user_id or a partner_client_id", "MISSING_FIELD");
    }
  }
}
