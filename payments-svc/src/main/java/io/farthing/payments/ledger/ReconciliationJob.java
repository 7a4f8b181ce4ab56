package io.farthing.payments.ledger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs reconciliation every {@code payments.reconciliation.interval} on every replica; the run
 * lock and the minimum spacing make that one run per interval for the whole cluster. A failed
 * run (a statement timeout, a lost connection) is logged and tried again next interval.
 */
@ApplicationScoped
public class ReconciliationJob {
  private static final Logger LOG = Logger.getLogger(ReconciliationJob.class);

  private final Reconciliation reconciliation;

  public ReconciliationJob(Reconciliation reconciliation) {
    this.reconciliation = reconciliation;
  }

  @Scheduled(
      identity = "payments-reconciliation",
      every = "${payments.reconciliation.interval:10m}",
      delayed = "${payments.reconciliation.initial-delay:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> run() {
    return reconciliation
        .runScheduled()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Scheduled reconciliation failed: %s %s", e.getClass().getSimpleName(), e.getMessage());
              return java.util.Optional.empty();
            })
        .replaceWithVoid();
  }
}
