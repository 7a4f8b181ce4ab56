package io.farthing.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The degraded policy, used when the Redis features could not be read in time: only the rules on
 * the request's own fields run, the model is skipped, and a payment at or above
 * {@code allow-below-minor} is challenged, never simply allowed.
 */
@ConfigMapping(prefix = "risk.degraded")
public interface DegradedConfig {

  /** Below this amount (minor units, any currency) a degraded answer may still ALLOW. */
  @WithDefault("500")
  long allowBelowMinor();
}
