package io.farthing.payments.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.List;

/**
 * Appends events to the outbox table, always with the caller's transaction (money rule 5: the
 * posting and its event commit together or not at all). The relay publishes them afterwards: when
 * the caller's transaction commits, it is asked for a pass at once (a rollback asks nothing).
 */
@ApplicationScoped
public class Outbox {
  private static final String INSERT =
      "insert into outbox (id, type, user_id, partner_client_id, ordering_key, sequence, data)"
          + " values ($1, $2, $3, $4, $5, $6, $7)";

  private final OutboxRelay relay;

  public Outbox(OutboxRelay relay) {
    this.relay = relay;
  }

  public Uni<Void> append(SqlClient tx, OutboxEvent event) {
    return append(tx, List.of(event));
  }

  public Uni<Void> append(SqlClient tx, List<OutboxEvent> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return tx.preparedQuery(INSERT)
        .executeBatch(
            events.stream()
                .map(
                    e ->
                        Tuple.from(
                            Arrays.asList(
                                e.id(), e.type(), e.userId(), e.partnerClientId(), e.orderingKey(), e.sequence(),
                                e.data())))
                .toList())
        .invoke(() -> wakeRelayOnCommit(tx))
        .replaceWithVoid();
  }

  /** The post-commit signal: the transaction's completion succeeds only when it commits. */
  private void wakeRelayOnCommit(SqlClient tx) {
    Transaction transaction = tx instanceof SqlConnection connection ? connection.transaction() : null;
    if (transaction == null) {
      relay.wake();
      return;
    }
    transaction.getDelegate().completion().onSuccess(committed -> relay.wake());
  }
}
