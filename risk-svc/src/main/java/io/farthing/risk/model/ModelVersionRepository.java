package io.farthing.risk.model;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The queries on {@code model_versions}. Native SQL, because jsonb is read and written as text
 * ({@code ::text}, {@code cast(? as jsonb)}) and the seeding insert needs {@code on conflict}.
 * Every method runs in the caller's session or transaction.
 */
@ApplicationScoped
public class ModelVersionRepository {

  /** The active row as the hot path needs it. */
  public record ActiveRow(String version, String kind, long updates, String parameters) {}

  /** The active row as the admin API shows it. */
  public record Details(
      String version, String kind, long updates, String parameters, String metrics, Instant createdAt,
      Instant updatedAt) {}

  /** What the periodic reload compares with the model in memory. */
  public record Stamp(String version, long updates) {}

  private static final String UTC_ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

  /**
   * Inserts the row as the active model unless a model is already active. Safe when several
   * replicas start at once: the one-active unique index (and the primary key) turn every racing
   * insert but one into "do nothing".
   */
  public Uni<Integer> insertActiveIfNone(String version, String kind, String parameters, String metrics) {
    return update(
        "insert into model_versions (version, kind, parameters, metrics, active)"
            + " select ?1, ?2, cast(cast(?3 as text) as jsonb), cast(cast(?4 as text) as jsonb), true"
            + " where not exists (select 1 from model_versions where active)"
            + " on conflict do nothing",
        version, kind, parameters, metrics);
  }

  public Uni<ActiveRow> findActive() {
    return activeRow("select version, kind, updates, parameters::text from model_versions where active");
  }

  /** The active row, locked until the transaction ends: feedback updates are applied one by one. */
  public Uni<ActiveRow> lockActive() {
    return activeRow(
        "select version, kind, updates, parameters::text from model_versions where active for update");
  }

  public Uni<Stamp> findActiveStamp() {
    return rows("select version, updates from model_versions where active")
        .map(rows -> rows.isEmpty() ? null : new Stamp((String) rows.get(0)[0], number(rows.get(0)[1])));
  }

  public Uni<Details> findActiveDetails() {
    return rows(
            "select version, kind, updates, parameters::text, metrics::text,"
                + " to_char(created_at at time zone 'UTC', " + UTC_ISO + "),"
                + " to_char(updated_at at time zone 'UTC', " + UTC_ISO + ")"
                + " from model_versions where active")
        .map(rows -> {
          if (rows.isEmpty()) {
            return null;
          }
          Object[] r = rows.get(0);
          return new Details((String) r[0], (String) r[1], number(r[2]), (String) r[3], (String) r[4],
              Instant.parse((String) r[5]), Instant.parse((String) r[6]));
        });
  }

  /** Stores one feedback step's parameters; the caller holds the row lock. */
  public Uni<Integer> writeFeedback(String version, String parameters) {
    return update(
        "update model_versions set parameters = cast(cast(?2 as text) as jsonb), updates = updates + 1,"
            + " updated_at = now() where version = ?1 and active",
        version, parameters);
  }

  private Uni<ActiveRow> activeRow(String sql) {
    return rows(sql).map(rows -> {
      if (rows.isEmpty()) {
        return null;
      }
      Object[] r = rows.get(0);
      return new ActiveRow((String) r[0], (String) r[1], number(r[2]), (String) r[3]);
    });
  }

  private static Uni<List<Object[]>> rows(String sql, Object... params) {
    return Panache.getSession()
        .chain(session -> {
          var query = session.createNativeQuery(sql);
          for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
          }
          return query.getResultList();
        })
        .map(results -> results.stream().map(r -> r instanceof Object[] a ? a : new Object[] {r}).toList());
  }

  private static Uni<Integer> update(String sql, Object... params) {
    return Panache.getSession()
        .chain(session -> {
          var query = session.createNativeQuery(sql);
          for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
          }
          return query.executeUpdate();
        });
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }
}
