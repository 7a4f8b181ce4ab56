package io.farthing.payments.dispute;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Resolves OPEN disputes whose merchant sent no evidence by evidence_due_at as LOST (refunded).
 * Runs on every replica: each dispute is resolved in its own transaction under its row lock
 * ({@code FOR UPDATE SKIP LOCKED}), conditional on it still being OPEN and overdue, so two
 * janitors, or a janitor and the merchant's late evidence, resolve it once.
 */
@ApplicationScoped
public class DisputeJanitor {
  private static final Logger LOG = Logger.getLogger(DisputeJanitor.class);

  private final DisputeService disputes;
  private final DisputesConfig config;

  public DisputeJanitor(DisputeService disputes, DisputesConfig config) {
    this.disputes = disputes;
    this.config = config;
  }

  @Scheduled(every = "${payments.disputes.janitor-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "5s")
  Uni<Void> sweep() {
    return disputes.loseOverdue(config.janitorBatch())
        .invoke(
            n -> {
              if (n > 0) {
                LOG.infof("Resolved %d disputes without the merchant's evidence as LOST (refunded)", n);
              }
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Dispute janitor pass failed: %s", e.getClass().getSimpleName());
              return 0;
            })
        .replaceWithVoid();
  }
}
