package io.farthing.payments.ledger;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code payments.reconciliation.*}: the ledger check of money rule 2. */
@ConfigMapping(prefix = "payments.reconciliation")
public interface ReconciliationConfig {
  /**
   * How often each replica tries a scheduled run (default 10m; "off" disables the schedule). Read
   * by the scheduler from the property itself; mapped here so the key is known and documented.
   */
  Optional<String> interval();

  /** How long after start-up the first scheduled try waits (default 1m). */
  Optional<String> initialDelay();

  /**
   * A scheduled run is skipped when any run started less than this long ago, so N replicas make
   * one run per interval between them, not N.
   */
  @WithDefault("5m")
  Duration minSpacing();

  /** At most this many drifting wallets and faulty postings are listed in a run (all are counted). */
  @WithDefault("100")
  int maxListed();

  /** Each of a run's statements is cancelled past this (a run is a few full scans of the ledger). */
  @WithDefault("5m")
  Duration statementTimeout();
}
