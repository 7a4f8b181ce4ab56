package io.farthing.risk.decision;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.risk.score.Friction.Thresholds;
import io.farthing.risk.score.Verdict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads stored decisions and records outcomes. SQL on the reactive pool directly: decisions are
 * written by {@link DecisionWriter}'s group commit, and their jsonb columns map to records here.
 */
@ApplicationScoped
public class DecisionRepository {
  private static final Logger LOG = Logger.getLogger(DecisionRepository.class);
  private static final String COLUMNS =
      "d.id, d.score, d.verdict, d.rule_points, d.model_points, d.model_version, d.degraded,"
          + " d.challenge_at, d.deny_at, d.request::text as request, d.features::text as features,"
          + " d.reasons::text as reasons, d.decided_at,"
          + " coalesce((select array_agg(o.outcome order by o.reported_at, o.outcome) from outcomes o"
          + " where o.decision_id = d.id), '{}') as outcomes";

  private final Pool pool;
  private final DecisionJson json;

  public DecisionRepository(Pool pool, ObjectMapper mapper) {
    this.pool = pool;
    this.json = new DecisionJson(mapper);
  }

  public Uni<Optional<Decision>> find(UUID id) {
    return pool.preparedQuery("select " + COLUMNS + " from decisions d where d.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> first(rows).map(this::decision));
  }

  /** The decision a caller's request id got, if stored. */
  public Uni<Optional<Decision>> findByRequest(String caller, String requestId) {
    return pool.preparedQuery(
            "select " + COLUMNS + " from decisions d where d.caller = $1 and d.request_id = $2")
        .execute(Tuple.of(caller, requestId))
        .map(rows -> first(rows).map(this::decision));
  }

  /** A user's latest decisions, newest first (at most {@code limit}). */
  public Uni<List<Decision>> recentOfUser(UUID userId, int limit) {
    return pool.preparedQuery(
            "select " + COLUMNS + " from decisions d where d.user_id = $1 order by d.decided_at desc, d.id desc limit $2")
        .execute(Tuple.of(userId, limit))
        .map(
            rows -> {
              List<Decision> decisions = new ArrayList<>();
              rows.forEach(row -> decisions.add(decision(row)));
              return decisions;
            });
  }

  /**
   * The newest {@code limit} decisions, newest first, for replaying rules over them (dry-run). A
   * row this version cannot read is skipped and logged, so one odd row never blocks a dry-run.
   */
  public Uni<List<Decision>> recent(int limit) {
    return pool.preparedQuery("select " + COLUMNS + " from decisions d order by d.decided_at desc, d.id desc limit $1")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<Decision> decisions = new ArrayList<>(rows.size());
              for (Row row : rows) {
                try {
                  decisions.add(decision(row));
                } catch (RuntimeException e) {
                  LOG.warnf("Decision %s cannot be read and is skipped: %s", row.getUUID("id"), e.getClass().getName());
                }
              }
              return decisions;
            });
  }

  /** Records an outcome once; true when it is new for this decision. */
  public Uni<Boolean> addOutcome(UUID decisionId, Outcome outcome, String reportedBy) {
    return pool.preparedQuery(
            "insert into outcomes (decision_id, outcome, reported_by) values ($1, $2, $3)"
                + " on conflict (decision_id, outcome) do nothing")
        .execute(Tuple.of(decisionId, outcome.name(), reportedBy))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
  }

  private Decision decision(Row row) {
    List<Outcome> outcomes = new ArrayList<>();
    for (String outcome : row.getArrayOfStrings("outcomes")) {
      outcomes.add(Outcome.valueOf(outcome));
    }
    OffsetDateTime decidedAt = row.getOffsetDateTime("decided_at");
    return new Decision(
        row.getUUID("id"),
        json.context(json.parse(row.getString("request"))),
        row.getInteger("score"),
        Verdict.valueOf(row.getString("verdict")),
        row.getInteger("rule_points"),
        row.getInteger("model_points"),
        row.getString("model_version"),
        row.getBoolean("degraded"),
        new Thresholds(row.getInteger("challenge_at"), row.getInteger("deny_at")),
        json.features(json.parse(row.getString("features"))),
        json.reasons(json.parse(row.getString("reasons"))),
        decidedAt.toInstant(),
        outcomes);
  }
}
