package io.farthing.payments.settlement;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs a settlement round every {@code payments.settlement.interval} on every replica: opens
 * missing windows (one OPEN window per account, a unique index), closes due ones (a conditional
 * status update: one replica wins each) and makes due payouts (taken with FOR UPDATE SKIP LOCKED
 * and pushed ahead, so replicas do not take the same one; the gateway is idempotent by window id
 * and SETTLED is a conditional update, so a payout is made and posted once). A failed round is
 * logged and tried again next interval.
 */
@ApplicationScoped
public class SettlementJob {
  private static final Logger LOG = Logger.getLogger(SettlementJob.class);

  private final SettlementService settlement;

  public SettlementJob(SettlementService settlement) {
    this.settlement = settlement;
  }

  @Scheduled(
      identity = "payments-settlement",
      every = "${payments.settlement.interval:1m}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> run() {
    return settlement
        .round()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Settlement round failed: %s", e.getClass().getSimpleName());
              return null;
            });
  }
}
