package io.farthing.risk.score;

import io.farthing.risk.config.FrictionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Adaptive friction: the thresholds and risk budget a user's security level and KYC tier give.
 * STRICT lowers both thresholds and halves the budget; ALWAYS challenges every payment (the
 * scoring adds that as a forced verdict); a lower KYC tier lowers the thresholds.
 */
@ApplicationScoped
public class Friction {

  public record Thresholds(int challengeAt, int denyAt) {
    public Thresholds {
      if (challengeAt >= denyAt) {
        throw new IllegalStateException("challengeAt must be below denyAt");
      }
    }
  }

  private final FrictionConfig config;

  public Friction(FrictionConfig config) {
    this.config = config;
    List<Integer> offsets = config.kycTierOffsets();
    List<Long> budgets = config.riskBudgetMinor();
    if (offsets.size() != 4 || budgets.size() != 4) {
      throw new IllegalStateException("risk.friction.kyc-tier-offsets and risk-budget-minor need 4 values (tiers 0-3)");
    }
    if (budgets.stream().anyMatch(b -> b <= 0)) {
      throw new IllegalStateException("risk.friction.risk-budget-minor must be positive");
    }
    // Fail at start-up, not at the first Score, on thresholds that cannot work.
    for (SecurityLevel level : SecurityLevel.values()) {
      for (int tier = 0; tier < 4; tier++) {
        thresholds(level, tier);
      }
    }
  }

  public Thresholds thresholds(SecurityLevel level, int kycTier) {
    int offset = config.kycTierOffsets().get(kycTier);
    if (level != SecurityLevel.STANDARD) {
      offset -= config.strictOffset();
    }
    int challengeAt = Math.max(config.minChallengeAt(), config.challengeAt() + offset);
    int denyAt = Math.max(config.minDenyAt(), config.denyAt() + offset);
    return new Thresholds(challengeAt, Math.max(denyAt, challengeAt + 1));
  }

  /** Risk-weighted spend (minor units) a user may make in 24 h without being challenged. */
  public long riskBudgetMinor(SecurityLevel level, int kycTier) {
    long budget = config.riskBudgetMinor().get(kycTier);
    return level == SecurityLevel.STANDARD ? budget : Math.max(1, budget * config.strictBudgetPercent() / 100);
  }

  /** Percentage of the budget used once this payment is added (may exceed 100). */
  public long riskBudgetPercent(long usedMinor, long amountMinor, SecurityLevel level, int kycTier) {
    long budget = riskBudgetMinor(level, kycTier);
    long used = Math.max(0, usedMinor);
    long total = used > Long.MAX_VALUE - amountMinor ? Long.MAX_VALUE : used + amountMinor;
    return total > Long.MAX_VALUE / 100 ? Long.MAX_VALUE / budget : total * 100 / budget;
  }
}
