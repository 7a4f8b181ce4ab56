package io.farthing.payments.undo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every {@code payments.undo.*} key, with its default. Documented in payments-svc/README.md. */
@ConfigMapping(prefix = "payments.undo")
public interface UndoConfig {
  /** The longest window an operator may configure: undo is for slips, not second thoughts. */
  Duration MAX_WINDOW = Duration.ofHours(24);

  /**
   * How long after its capture a user may undo a charge (PT0S turns undo off; at most PT24H,
   * checked at start-up).
   */
  @WithDefault("PT10M")
  Duration window();
}
