package io.farthing.payments.loyalty;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/** {@code payments.loyalty.*}: the optional points programme. Documented in payments-svc/README.md. */
@ConfigMapping(prefix = "payments.loyalty")
public interface LoyaltyConfig {
  /**
   * Whether spending earns points. Off, the awarder still drains its queue (so it never grows) but
   * credits nothing; points already earned stay redeemable.
   */
  @WithDefault("false")
  boolean enabled();

  /** Points earned per spend, in basis points: 100 earns 1 point (1 minor unit) per 100 spent. */
  @WithDefault("100")
  @Min(0)
  @Max(10000)
  int earnBps();

  /** The smallest redemption, in minor units (points). */
  @WithDefault("1")
  @Positive
  long minRedeemMinor();

  /** How often each replica drains the awarder's queue. */
  @WithDefault("2s")
  Duration sweepInterval();

  /** Queue rows one awarder pass takes (one transaction). */
  @WithDefault("500")
  @Min(1)
  @Max(10000)
  int sweepBatch();
}
