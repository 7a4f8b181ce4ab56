package io.farthing.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Structuring: top-ups and P2P transfers kept just under a limit, again and again. A payment is
 * "near the limit" when {@code limit × near-limit-percent / 100 ≤ amount < limit}.
 */
@ConfigMapping(prefix = "risk.aml")
public interface AmlConfig {

  /** The per-transaction limit watched (minor units, any currency): 1,000.00 by default. */
  @WithDefault("100000")
  long limitMinor();

  @WithDefault("90")
  int nearLimitPercent();

  /** The window over which near-limit payments are counted. */
  @WithDefault("P7D")
  Duration window();

  /** Near-limit payments in the window (this one included) that open or extend a case. */
  @WithDefault("3")
  int caseMinHits();
}
