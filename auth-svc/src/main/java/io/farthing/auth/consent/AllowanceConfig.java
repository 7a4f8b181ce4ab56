package io.farthing.auth.consent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds on the allowances users grant (see {@link RepeatingInterval}). */
@ConfigMapping(prefix = "auth.allowances")
public interface AllowanceConfig {
  /** The shortest period an allowance may have; a shorter one is refused INVALID_INTERVAL. */
  @WithDefault("PT1H")
  Duration minInterval();

  /** The most repetitions a bounded interval ({@code R<n>/…}) may have. */
  @WithDefault("1000")
  long maxRepetitions();
}
