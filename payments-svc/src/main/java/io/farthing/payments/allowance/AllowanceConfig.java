package io.farthing.payments.allowance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Allowances (recurring consent) in payments-svc: counting and showing their usage. */
@ConfigMapping(prefix = "payments.allowances")
public interface AllowanceConfig {
  /** The most current periods GET /v1/allowances answers with (one per consent with usage). */
  @WithDefault("100")
  int listLimit();

  /**
   * Whether money coming back from a charge (void, expired hold, uncaptured rest, refund) gives
   * the allowance back while the charge's period lasts. A period that has ended is never reopened.
   */
  @WithDefault("true")
  boolean returnOnRefund();
}
