package io.farthing.payments.dispute;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The disputes and dispute_evidence tables. A dispute changes only under its row lock
 * ({@link #lock}) and conditionally on the version read there, so no two changes both win.
 */
@ApplicationScoped
public class DisputeRepository {
  private static final String COLUMNS =
      "id, charge_id, user_id, partner_client_id, currency, amount_minor, reason, user_note, status, resolution,"
          + " refunded_minor, refund_id, resolution_note, resolved_by, evidence_due_at, resolved_at, decision_id,"
          + " version, created_at, updated_at";
  private static final String INSERT =
      "insert into disputes (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
          + " $15, $16, $17, $18, $19, $20)";
  private static final String UPDATE =
      "update disputes set status = $2, resolution = $3, refunded_minor = $4, refund_id = $5, resolution_note = $6,"
          + " resolved_by = $7, resolved_at = $8, version = $9, updated_at = $10 where id = $1 and version = $11";
  private static final String INSERT_EVIDENCE =
      "insert into dispute_evidence (id, dispute_id, summary, refs, created_at) values ($1, $2, $3, $4, $5)";

  /** Who may see a dispute: its user, its merchant, or support (anyone). */
  public record Owner(UUID userId, String partnerClientId) {
    public static final Owner SUPPORT = new Owner(null, null);

    static Owner user(UUID userId) {
      return new Owner(userId, null);
    }

    static Owner partner(String partnerClientId) {
      return new Owner(null, partnerClientId);
    }
  }

  private final Pool pool;

  public DisputeRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Void> insert(SqlClient tx, Dispute d) {
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    d.id(), d.chargeId(), d.userId(), d.partnerClientId(), d.currency(), d.amountMinor(),
                    d.reason().name(), d.userNote(), d.status().name(), name(d.resolution()), d.refundedMinor(),
                    d.refundId(), d.resolutionNote(), d.resolvedBy(), time(d.evidenceDueAt()), time(d.resolvedAt()),
                    d.decisionId(), d.version(), time(d.createdAt()), time(d.updatedAt()))))
        .replaceWithVoid();
  }

  /** Writes {@code next} over the row if it is still at {@code next.version() - 1}. */
  public Uni<Void> update(SqlClient tx, Dispute next) {
    return tx.preparedQuery(UPDATE)
        .execute(
            Tuple.from(
                Arrays.asList(
                    next.id(), next.status().name(), name(next.resolution()), next.refundedMinor(), next.refundId(),
                    next.resolutionNote(), next.resolvedBy(), time(next.resolvedAt()), next.version(),
                    time(next.updatedAt()), next.version() - 1)))
        .map(
            result -> {
              if (result.rowCount() != 1) {
                throw new IllegalStateException("a locked dispute changed underneath: " + next.id());
              }
              return null;
            })
        .replaceWithVoid();
  }

  public Uni<Optional<Dispute>> find(UUID id) {
    return pool.preparedQuery("select " + COLUMNS + " from disputes where id = $1")
        .execute(Tuple.of(id))
        .map(DisputeRepository::first);
  }

  public Uni<Optional<Dispute>> ofCharge(SqlClient client, UUID chargeId) {
    return client
        .preparedQuery("select " + COLUMNS + " from disputes where charge_id = $1")
        .execute(Tuple.of(chargeId))
        .map(DisputeRepository::first);
  }

  /** The dispute, locked for the rest of {@code tx}. */
  public Uni<Optional<Dispute>> lock(SqlClient tx, UUID id) {
    return tx.preparedQuery("select " + COLUMNS + " from disputes where id = $1 for update")
        .execute(Tuple.of(id))
        .map(DisputeRepository::first);
  }

  /** The dispute, locked for the rest of {@code tx}; empty also when another transaction holds it. */
  public Uni<Optional<Dispute>> lockUnlessBusy(SqlClient tx, UUID id) {
    return tx.preparedQuery("select " + COLUMNS + " from disputes where id = $1 for update skip locked")
        .execute(Tuple.of(id))
        .map(DisputeRepository::first);
  }

  /** Newest first, {@code before} a dispute id (a cursor), filtered by owner and status. */
  public Uni<List<Dispute>> list(Owner owner, DisputeStatus status, UUID before, int limit) {
    return pool.preparedQuery(
            "select " + COLUMNS + " from disputes where ($1::uuid is null or user_id = $1)"
                + " and ($2::text is null or partner_client_id = $2) and ($3::text is null or status = $3)"
                + " and ($4::uuid is null or id < $4) order by id desc limit $5")
        .execute(
            Tuple.from(
                Arrays.asList(
                    owner.userId(), owner.partnerClientId(), status == null ? null : status.name(), before, limit)))
        .map(DisputeRepository::all);
  }

  /** OPEN disputes whose evidence is overdue, oldest first. */
  public Uni<List<UUID>> evidenceOverdue(int limit) {
    return pool.preparedQuery(
            "select id from disputes where status = 'OPEN' and evidence_due_at <= now()"
                + " order by evidence_due_at limit $1")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  public Uni<Void> insertEvidence(SqlClient tx, Dispute.Evidence e) {
    return tx.preparedQuery(INSERT_EVIDENCE)
        .execute(Tuple.of(e.id(), e.disputeId(), e.summary(), e.refs().toArray(String[]::new), time(e.createdAt())))
        .replaceWithVoid();
  }

  public Uni<List<Dispute.Evidence>> evidence(SqlClient client, UUID disputeId) {
    return client
        .preparedQuery(
            "select id, dispute_id, summary, refs, created_at from dispute_evidence where dispute_id = $1"
                + " order by created_at, id")
        .execute(Tuple.of(disputeId))
        .map(
            rows -> {
              List<Dispute.Evidence> out = new ArrayList<>();
              for (Row row : rows) {
                String[] refs = row.getArrayOfStrings("refs");
                out.add(
                    new Dispute.Evidence(
                        row.getUUID("id"), row.getUUID("dispute_id"), row.getString("summary"),
                        refs == null ? List.of() : List.of(refs), instant(row, "created_at")));
              }
              return out;
            });
  }

  public Uni<List<Dispute.Evidence>> evidence(UUID disputeId) {
    return evidence(pool, disputeId);
  }

  private static Optional<Dispute> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(row(it.next())) : Optional.empty();
  }

  private static List<Dispute> all(RowSet<Row> rows) {
    List<Dispute> out = new ArrayList<>();
    rows.forEach(row -> out.add(row(row)));
    return out;
  }

  private static Dispute row(Row r) {
    String resolution = r.getString("resolution");
    return new Dispute(
        r.getUUID("id"), r.getUUID("charge_id"), r.getUUID("user_id"), r.getString("partner_client_id"),
        r.getString("currency"), r.getLong("amount_minor"), DisputeStatus.Reason.valueOf(r.getString("reason")),
        r.getString("user_note"), DisputeStatus.valueOf(r.getString("status")),
        resolution == null ? null : DisputeStatus.Resolution.valueOf(resolution), r.getLong("refunded_minor"),
        r.getUUID("refund_id"), r.getString("resolution_note"), r.getString("resolved_by"),
        instant(r, "evidence_due_at"), instant(r, "resolved_at"), r.getString("decision_id"), r.getInteger("version"),
        instant(r, "created_at"), instant(r, "updated_at"));
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  private static OffsetDateTime time(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime at = row.getOffsetDateTime(column);
    return at == null ? null : at.toInstant();
  }
}
