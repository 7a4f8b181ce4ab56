package io.farthing.risk.rule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The rules engine's settings (prefix {@code risk.rules}). */
@ConfigMapping(prefix = "risk.rules")
public interface RulesConfig {

  /**
   * How often each replica checks whether the rules changed (one cheap query) and reloads them:
   * the most another replica lags behind a change. The replica that made a change has it at once.
   */
  @WithDefault("2s")
  Duration reloadInterval();

  /** The most rules there may be; each one is evaluated on every Score. */
  @WithDefault("500")
  int maxRules();

  DryRun dryRun();

  interface DryRun {
    /** Recent decisions a dry-run replays when the request names no limit. */
    @WithDefault("1000")
    int defaultDecisions();

    /** The most decisions one dry-run may replay (all are held in memory at once). */
    @WithDefault("10000")
    int maxDecisions();
  }
}
