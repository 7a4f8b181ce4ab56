package io.farthing.payments.paymentrequest;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class PaymentRequestRepository {
  /** The charge metadata keys that link a charge to the request it pays (see V5__payment_requests.sql). */
  public static final String META_REQUEST_ID = "payment_request_id";
  public static final String META_USAGE = "payment_request_usage";
  public static final String META_REFERENCE = "payment_request_reference";
  /** The unique index that makes a single-use request payable once. */
  public static final String SINGLE_USE_INDEX = "charges_payment_request_single_use";

  private static final String COLUMNS =
      "id, partner_client_id, currency, amount_minor, description, reference, usage, status, expires_at,"
          + " cancelled_at, created_at";
  /** Must match the statuses of the partial index charges_payment_request_single_use. */
  private static final String LIVE_CHARGE =
      "partner_client_id = $1 and (metadata ->> 'payment_request_id') = $2"
          + " and status in ('REQUIRES_ACTION', 'AUTHORIZED', 'SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED')";
  private static final String PAYMENTS =
      "select (select count(*) from charges where " + LIVE_CHARGE + ") as payments,"
          + " latest.id, latest.status"
          + " from (select 1) one left join lateral"
          + " (select id, status from charges where " + LIVE_CHARGE + " order by id desc limit 1) latest on true";

  private final Pool pool;

  public PaymentRequestRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Void> insert(SqlClient tx, PaymentRequest r) {
    return tx.preparedQuery(
            "insert into payment_requests (id, partner_client_id, currency, amount_minor, description, reference,"
                + " usage, status, expires_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8,"
                + " $9, $9)")
        .execute(
            Tuple.from(
                Arrays.asList(
                    r.id(), r.partnerClientId(), r.currency(), r.amountMinor(), r.description(), r.reference(),
                    r.usage().name(), time(r.expiresAt()), time(r.createdAt()))))
        .replaceWithVoid();
  }

  public Uni<Optional<PaymentRequest>> find(UUID id) {
    return pool.preparedQuery("select " + COLUMNS + " from payment_requests where id = $1")
        .execute(Tuple.of(id))
        .map(PaymentRequestRepository::first);
  }

  /** The partner's own request, locked for the rest of {@code tx}; another partner's is empty. */
  public Uni<Optional<PaymentRequest>> lockOwned(SqlClient tx, String partnerClientId, UUID id) {
    return tx.preparedQuery(
            "select " + COLUMNS + " from payment_requests where id = $1 and partner_client_id = $2 for update")
        .execute(Tuple.of(id, partnerClientId))
        .map(PaymentRequestRepository::first);
  }

  /** Marks an open request cancelled; false when it was cancelled already. */
  public Uni<Boolean> cancel(SqlClient tx, UUID id, Instant at) {
    return tx.preparedQuery(
            "update payment_requests set status = 'CANCELLED', cancelled_at = $2, updated_at = $2"
                + " where id = $1 and status = 'OPEN'")
        .execute(Tuple.of(id, time(at)))
        .map(result -> result.rowCount() == 1);
  }

  /** The live charges linked to the request (read through the index charges_payment_request). */
  public Uni<PaymentRequest.Payments> payments(SqlClient client, PaymentRequest request) {
    return client
        .preparedQuery(PAYMENTS)
        .execute(Tuple.of(request.partnerClientId(), request.id().toString()))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              long count = row.getLong("payments");
              return count == 0
                  ? PaymentRequest.Payments.NONE
                  : new PaymentRequest.Payments(count, row.getUUID("id"), row.getString("status"));
            });
  }

  public Uni<PaymentRequest.Payments> payments(PaymentRequest request) {
    return payments(pool, request);
  }

  private static Optional<PaymentRequest> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(request(iterator.next())) : Optional.empty();
  }

  private static PaymentRequest request(Row row) {
    OffsetDateTime cancelledAt = row.getOffsetDateTime("cancelled_at");
    return new PaymentRequest(
        row.getUUID("id"),
        row.getString("partner_client_id"),
        row.getString("currency"),
        row.getLong("amount_minor"),
        row.getString("description"),
        row.getString("reference"),
        PaymentRequest.Usage.valueOf(row.getString("usage")),
        "CANCELLED".equals(row.getString("status")),
        row.getOffsetDateTime("expires_at").toInstant(),
        cancelledAt == null ? null : cancelledAt.toInstant(),
        row.getOffsetDateTime("created_at").toInstant());
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
