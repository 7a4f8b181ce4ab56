package io.farthing.payments.loyalty;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Drains the loyalty queue on every replica: {@code FOR UPDATE SKIP LOCKED} splits the rows, and
 * counting against what each charge already counted (under the user's balance row lock) credits
 * each point once. A full batch is followed at once by the next pass, so a burst drains quickly.
 */
@ApplicationScoped
public class LoyaltyAwarder {
  private static final Logger LOG = Logger.getLogger(LoyaltyAwarder.class);
  /** Passes one tick may run back to back while batches come back full: a bound, not a loop. */
  private static final int MAX_PASSES_PER_TICK = 20;

  private final LoyaltyService loyalty;
  private final LoyaltyConfig config;

  public LoyaltyAwarder(LoyaltyService loyalty, LoyaltyConfig config) {
    this.loyalty = loyalty;
    this.config = config;
  }

  @Scheduled(every = "${payments.loyalty.sweep-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "3s")
  Uni<Void> sweep() {
    return passes(MAX_PASSES_PER_TICK)
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Loyalty awarder pass failed: %s", e.getClass().getSimpleName());
              return null;
            });
  }

  private Uni<Void> passes(int left) {
    return loyalty
        .award(config.sweepBatch())
        .chain(done -> done == config.sweepBatch() && left > 1 ? passes(left - 1) : Uni.createFrom().voidItem());
  }
}
