package io.farthing.payments.topup;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Settles top-ups the request path could not: PENDING ones (the gateway did not answer in time,
 * or the request crashed) are looked up at the gateway and settled from its record — cancelled
 * there after {@code payments.funding.give-up-after} — and REVERSING ones are refunded. Runs on
 * every replica: a round takes its batch with {@code FOR UPDATE SKIP LOCKED} and pushes it
 * {@code recheck-after} into the future, so replicas never take the same top-up at once; settling
 * itself locks the row and checks its status, so it happens once whoever gets there first.
 */
@ApplicationScoped
public class TopUpReconciler {
  private static final Logger LOG = Logger.getLogger(TopUpReconciler.class);

  private final TopUpService topUps;

  public TopUpReconciler(TopUpService topUps) {
    this.topUps = topUps;
  }

  @Scheduled(
      every = "${payments.funding.reconcile-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "1s")
  Uni<Void> reconcile() {
    return topUps
        .reconcileDue()
        .invoke(
            n -> {
              if (n > 0) {
                LOG.infof("Reconciled %d top-ups with the funding gateway", n);
              }
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Top-up reconciliation round failed: %s", e.getClass().getSimpleName());
              return 0;
            })
        .replaceWithVoid();
  }
}
