package io.farthing.payments.client;

import io.farthing.common.Ids;
import io.farthing.common.outbox.OutboxRecord;
import io.farthing.common.outbox.OutboxRelay;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.proto.risk.v1.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Outcomes for risk-svc's ReportOutcome that must arrive (a dispute's WON or LOST): written to
 * {@code risk_outbox} in the transaction of the change they report, then sent by the shared
 * outbox relay (shards under advisory locks, back-off, several replicas), so an outcome survives
 * risk-svc being down and the replica dying after the commit. risk-svc applies an outcome once per
 * decision ({@code applied = false} for a repeat), so a resend after a lost answer is harmless.
 * A charge without a decision (risk-svc was not asked, or its fallback answered) has nothing to
 * report and writes nothing.
 */
@ApplicationScoped
public class RiskOutcomes {
  /** Advisory lock class of the risk_outbox shards (distinct from the outbox's). */
  private static final int LOCK_CLASS = 0x0B0D;
  private static final String INSERT =
      "insert into risk_outbox (id, type, user_id, partner_client_id, ordering_key, sequence, data)"
          + " values ($1, $2, $3, $4, $5, 0, $6)";

  private final OutboxRelay relay;
  private final RiskClient risk;

  public RiskOutcomes(Pool pool, RiskClient risk, MeterRegistry meters, PaymentsConfig config) {
    PaymentsConfig.Outbox outbox = config.outbox();
    this.risk = risk;
    this.relay =
        new OutboxRelay(
            pool,
            new OutboxRelay.Settings(
                "risk_outbox", "farthing.payments.risk.outcomes", LOCK_CLASS, 8, outbox.batch(), 4,
                outbox.publishTimeout(), outbox.passBudget(), outbox.maxBackoff(), Duration.ofMillis(200)),
            this::send,
            meters,
            outbox.relayEnabled());
  }

  /**
   * Appends {@code outcome} of {@code decisionId} in {@code tx}; {@code subject} (e.g.
   * {@code dispute:<id>}) orders one subject's reports. Nothing when there is no decision.
   */
  public Uni<Void> append(SqlConnection tx, String decisionId, Outcome outcome, String subject) {
    if (decisionId == null || decisionId.isBlank()) {
      return Uni.createFrom().voidItem();
    }
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                Ids.newId(), outcome.name(), null, null, subject, new JsonObject().put("decisionId", decisionId)))
        .invoke(() -> wakeOnCommit(tx))
        .replaceWithVoid();
  }

  private void wakeOnCommit(SqlConnection tx) {
    var transaction = tx.transaction();
    if (transaction == null) {
      relay.wake();
    } else {
      transaction.getDelegate().completion().onSuccess(committed -> relay.wake());
    }
  }

  @Scheduled(every = "${payments.outbox.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "3s")
  Uni<Void> poll() {
    return relay.poll();
  }

  /** One pass: returns how many outcomes risk-svc took. */
  public Uni<Integer> drainOnce() {
    return relay.drainOnce();
  }

  private Uni<Void> send(OutboxRecord record) {
    String decisionId = new JsonObject(record.dataJson()).getString("decisionId");
    return risk.reportOutcome(decisionId, Outcome.valueOf(record.type()));
  }
}
