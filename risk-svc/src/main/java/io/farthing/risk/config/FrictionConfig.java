package io.farthing.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * Adaptive friction: where a score turns into a challenge or a denial, moved by the user's
 * security level and KYC tier, and the risk budget that many tiny payments use up.
 */
@ConfigMapping(prefix = "risk.friction")
public interface FrictionConfig {

  /** STANDARD users at KYC tier 1: score ≥ this challenges. */
  @WithDefault("400")
  int challengeAt();

  /** STANDARD users at KYC tier 1: score ≥ this denies. */
  @WithDefault("800")
  int denyAt();

  /** STRICT users: both thresholds lower by this much (they asked to be asked more often). */
  @WithDefault("150")
  int strictOffset();

  /** Added to both thresholds per KYC tier 0..3: less verified, less room. */
  @WithDefault("-100,0,50,100")
  List<Integer> kycTierOffsets();

  /** Risk budget per KYC tier 0..3 in minor units: risk-weighted spend allowed without a challenge in 24 h. */
  @WithDefault("2000,5000,20000,50000")
  List<Long> riskBudgetMinor();

  /** STRICT users get this percentage of their tier's budget. */
  @WithDefault("50")
  int strictBudgetPercent();

  /** Thresholds never go below these floors, whatever the offsets. */
  @WithDefault("100")
  int minChallengeAt();

  @WithDefault("300")
  int minDenyAt();
}
