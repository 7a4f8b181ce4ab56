package io.farthing.payments.charge;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class ChargeRepository {
  static final String COLUMNS =
      "id, partner_client_id, user_id, wallet_id, currency, amount_minor, authorized_minor, captured_minor,"
          + " refunded_minor, fee_minor, fee_refunded_minor, status, capture_later, description, metadata, device_id,"
          + " consent_id, decision_id, challenge_id, failure_reason, hold_expires_at, version, created_at, updated_at, final_sale";
  private static final String INSERT =
      "insert into charges (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
          + " $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)";
  /** Moves a charge on, only from the state and version it was read in. */
  private static final String UPDATE =
      """
      update charges set wallet_id = $3, authorized_minor = $4, captured_minor = $5, refunded_minor = $6,
             fee_minor = $7, fee_refunded_minor = $8, status = $9, decision_id = $10, challenge_id = $11,
             failure_reason = $12, hold_expires_at = $13, version = version + 1, updated_at = now(),
             confirmed_by = coalesce($14, confirmed_by)
       where id = $1 and version = $2
      """;

  private final Pool pool;

  public ChargeRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Void> insert(SqlClient tx, Charge c) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    c.id(), c.partnerClientId(), c.userId(), c.walletId(), c.currency(), c.amountMinor(),
                    c.authorizedMinor(), c.capturedMinor(), c.refundedMinor(), c.feeMinor(), c.feeRefundedMinor(),
                    c.status().name(), c.captureLater(), c.description(), new JsonObject(new LinkedHashMap<>(c.metadata())),
                    c.deviceId(), c.consentId(), c.decisionId(), c.challengeId(), c.failureReason(),
                    time(c.holdExpiresAt()), c.version(), time(c.createdAt()), time(c.updatedAt()), c.finalSale())))
        .replaceWithVoid();
  }

  /** Writes {@code next} over the row if it is still at {@code expectedVersion}; false otherwise. */
  public Uni<Boolean> update(SqlClient tx, Charge next, int expectedVersion, String confirmedBy) {
    return tx.preparedQuery(UPDATE)
        .execute(
            Tuple.from(
                Arrays.asList(
                    next.id(), expectedVersion, next.walletId(), next.authorizedMinor(), next.capturedMinor(),
                    next.refundedMinor(), next.feeMinor(), next.feeRefundedMinor(), next.status().name(),
                    next.decisionId(), next.challengeId(), next.failureReason(), time(next.holdExpiresAt()),
                    confirmedBy)))
        .map(result -> result.rowCount() == 1);
  }

  public Uni<Optional<Charge>> find(UUID id) {
    return find(pool, id, false);
  }

  /** The charge, locked for the rest of {@code tx} (capture, void, refund, expiry). */
  public Uni<Optional<Charge>> lock(SqlClient tx, UUID id) {
    return find(tx, id, true);
  }

  private Uni<Optional<Charge>> find(SqlClient client, UUID id, boolean forUpdate) {
    return client
        .preparedQuery("select " + COLUMNS + " from charges where id = $1" + (forUpdate ? " for update" : ""))
        .execute(Tuple.of(id))
        .map(ChargeRepository::first);
  }

  /**
   * One page of charges, newest first, of one partner or one user; {@code before} is the last id
   * of the previous page (ids are time-ordered).
   */
  public Uni<List<Charge>> list(
      String partnerClientId, UUID userId, ChargeStatus status, UUID before, Instant createdFrom, Instant createdTo,
      int limit) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("select " + COLUMNS + " from charges where true");
    if (partnerClientId != null) {
      args.add(partnerClientId);
      sql.append(" and partner_client_id = $").append(args.size());
    }
    if (userId != null) {
      args.add(userId);
      sql.append(" and user_id = $").append(args.size());
    }
    if (status != null) {
      args.add(status.name());
      sql.append(" and status = $").append(args.size());
    }
    if (before != null) {
      args.add(before);
      sql.append(" and id < $").append(args.size());
    }
    if (createdFrom != null) {
      args.add(time(createdFrom));
      sql.append(" and created_at >= $").append(args.size());
    }
    if (createdTo != null) {
      args.add(time(createdTo));
      sql.append(" and created_at < $").append(args.size());
    }
    args.add(limit);
    sql.append(" order by id desc limit $").append(args.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(ChargeRepository::all);
  }

  /** Authorized holds and unanswered challenges past their time, locked and skipped by other replicas. */
  public Uni<List<UUID>> lockDue(SqlClient tx, int limit) {
    return tx.preparedQuery(
            "select id from charges where status in ('AUTHORIZED', 'REQUIRES_ACTION') and hold_expires_at < now()"
                + " order by hold_expires_at limit $1 for update skip locked")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  public Uni<Void> insertRefund(SqlClient tx, Refund r) {
    return tx.preparedQuery(
            "insert into refunds (id, charge_id, currency, amount_minor, fee_returned_minor, reason, created_at)"
                + " values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(
            Tuple.from(
                Arrays.asList(
                    r.id(), r.chargeId(), r.currency(), r.amountMinor(), r.feeReturnedMinor(), r.reason(),
                    time(r.createdAt()))))
        .replaceWithVoid();
  }

  public Uni<Optional<Refund>> findRefund(UUID id) {
    return pool.preparedQuery(
            "select id, charge_id, currency, amount_minor, fee_returned_minor, reason, created_at from refunds"
                + " where id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              var iterator = rows.iterator();
              if (!iterator.hasNext()) {
                return Optional.<Refund>empty();
              }
              Row row = iterator.next();
              return Optional.of(
                  new Refund(
                      row.getUUID("id"),
                      row.getUUID("charge_id"),
                      row.getString("currency"),
                      row.getLong("amount_minor"),
                      row.getLong("fee_returned_minor"),
                      row.getString("reason"),
                      row.getOffsetDateTime("created_at").toInstant()));
            });
  }

  static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Optional<Charge> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(charge(iterator.next())) : Optional.empty();
  }

  private static List<Charge> all(RowSet<Row> rows) {
    List<Charge> charges = new ArrayList<>();
    rows.forEach(row -> charges.add(charge(row)));
    return charges;
  }

  static Charge charge(Row row) {
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonObject json = (JsonObject) row.getValue("metadata");
    if (json != null) {
      json.forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
    }
    OffsetDateTime hold = row.getOffsetDateTime("hold_expires_at");
    return new Charge(
        row.getUUID("id"),
        row.getString("partner_client_id"),
        row.getUUID("user_id"),
        row.getUUID("wallet_id"),
        row.getString("currency"),
        row.getLong("amount_minor"),
        row.getLong("authorized_minor"),
        row.getLong("captured_minor"),
        row.getLong("refunded_minor"),
        row.getLong("fee_minor"),
        row.getLong("fee_refunded_minor"),
        ChargeStatus.valueOf(row.getString("status")),
        row.getBoolean("capture_later"),
        row.getString("description"),
        Map.copyOf(metadata),
        row.getString("device_id"),
        row.getString("consent_id"),
        row.getString("decision_id"),
        row.getString("challenge_id"),
        row.getString("failure_reason"),
        hold == null ? null : hold.toInstant(),
        row.getInteger("version"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant(),
        row.getBoolean("final_sale"));
  }
}
