package io.farthing.payments.transfer;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class TransferRepository {
  private static final String COLUMNS =
      "id, sender_id, recipient_id, sender_wallet_id, recipient_wallet_id, currency, amount_minor, note, status,"
          + " decision_id, created_at";

  private final Pool pool;

  public TransferRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Void> insert(SqlClient tx, Transfer t) {
    return tx.preparedQuery(
            "insert into transfers (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .execute(
            Tuple.from(
                Arrays.asList(
                    t.id(), t.senderId(), t.recipientId(), t.senderWalletId(), t.recipientWalletId(), t.currency(),
                    t.amountMinor(), t.note(), t.status(), t.decisionId(), t.createdAt().atOffset(ZoneOffset.UTC))))
        .replaceWithVoid();
  }

  public Uni<Optional<Transfer>> find(UUID id) {
    return pool.preparedQuery("select " + COLUMNS + " from transfers where id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              var iterator = rows.iterator();
              return iterator.hasNext() ? Optional.of(transfer(iterator.next())) : Optional.<Transfer>empty();
            });
  }

  private static Transfer transfer(Row row) {
    return new Transfer(
        row.getUUID("id"),
        row.getUUID("sender_id"),
        row.getUUID("recipient_id"),
        row.getUUID("sender_wallet_id"),
        row.getUUID("recipient_wallet_id"),
        row.getString("currency"),
        row.getLong("amount_minor"),
        row.getString("note"),
        row.getString("status"),
        row.getString("decision_id"),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
