package io.farthing.payments.tab;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Settles and closes tabs past their time limit, and metered tabs without usage for
 * payments.tabs.meter-idle-timeout (their stream went silent, or its replica died). Runs on every
 * replica: each tab is closed in its own transaction under its row lock ({@code FOR UPDATE SKIP
 * LOCKED}), conditional on it still being OPEN, so two janitors, or a janitor and a user's close,
 * close it once.
 */
@ApplicationScoped
public class TabJanitor {
  private static final Logger LOG = Logger.getLogger(TabJanitor.class);

  private final TabService tabs;
  private final TabsConfig config;

  public TabJanitor(TabService tabs, TabsConfig config) {
    this.tabs = tabs;
    this.config = config;
  }

  @Scheduled(every = "${payments.tabs.janitor-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "2s")
  Uni<Void> sweep() {
    return tabs.closeDue(config.janitorBatch())
        .invoke(
            n -> {
              if (n > 0) {
                LOG.infof("Closed %d tabs past their time limit or metered and idle (settled, holds released)", n);
              }
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Tab janitor pass failed: %s", e.getClass().getSimpleName());
              return 0;
            })
        .replaceWithVoid();
  }
}
