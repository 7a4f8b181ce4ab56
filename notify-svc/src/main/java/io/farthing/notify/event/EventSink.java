package io.farthing.notify.event;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Where an accepted event goes next (a user's inbox and alert stream, a partner's webhooks).
 * {@link #accept} runs inside the transaction that stores the event, so an event is either
 * stored with all its fan-out rows or not at all, and a repeated event (already stored) reaches no
 * sink. Nothing slow happens there: sinks write rows that their own workers deliver later.
 * {@link #committed} runs after that transaction committed, for in-memory wake-ups.
 */
public interface EventSink {
  Uni<Void> accept(SqlConnection tx, StoredEvent event);

  default void committed(StoredEvent event) {}
}
