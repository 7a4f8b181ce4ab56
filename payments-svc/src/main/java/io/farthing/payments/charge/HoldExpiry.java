package io.farthing.payments.charge;

import io.farthing.payments.config.PaymentsConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Releases authorized holds and expires unanswered challenges when their time is up. Runs on
 * every replica; {@code FOR UPDATE SKIP LOCKED} splits the work and the status check in the same
 * transaction makes each expiry happen once.
 */
@ApplicationScoped
public class HoldExpiry {
  private static final Logger LOG = Logger.getLogger(HoldExpiry.class);

  private final ChargeService charges;
  private final PaymentsConfig config;

  public HoldExpiry(ChargeService charges, PaymentsConfig config) {
    this.charges = charges;
    this.config = config;
  }

  @Scheduled(every = "${payments.holds.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "2s")
  Uni<Void> sweep() {
    return charges
        .expireDue(config.holds().sweepBatch())
        .invoke(n -> {
          if (n > 0) {
            LOG.infof("Expired %d charges (holds released, challenges closed)", n);
          }
        })
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Hold expiry sweep failed: %s", e.getClass().getSimpleName());
              return 0;
            })
        .replaceWithVoid();
  }
}
