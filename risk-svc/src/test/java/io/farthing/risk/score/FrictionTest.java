package io.farthing.risk.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.risk.config.FrictionConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrictionTest {

  static FrictionConfig defaults(List<Integer> tierOffsets) {
    return new FrictionConfig() {
      public int challengeAt() { return 400; }
      public int denyAt() { return 800; }
      public int strictOffset() { return 150; }
      public List<Integer> kycTierOffsets() { return tierOffsets; }
      public List<Long> riskBudgetMinor() { return List.of(2_000L, 5_000L, 20_000L, 50_000L); }
      public int strictBudgetPercent() { return 50; }
      public int minChallengeAt() { return 100; }
      public int minDenyAt() { return 300; }
    };
  }

  private final Friction friction = new Friction(defaults(List.of(-100, 0, 50, 100)));

  @Test
  void standardTierOneUsesTheConfiguredThresholds() {
    assertEquals(new Friction.Thresholds(400, 800), friction.thresholds(SecurityLevel.STANDARD, 1));
  }

  @Test
  void strictAndAlwaysLowerBothThresholds() {
    assertEquals(new Friction.Thresholds(250, 650), friction.thresholds(SecurityLevel.STRICT, 1));
    assertEquals(new Friction.Thresholds(250, 650), friction.thresholds(SecurityLevel.ALWAYS, 1));
  }

  @Test
  void kycTierMovesThresholds() {
    assertEquals(new Friction.Thresholds(300, 700), friction.thresholds(SecurityLevel.STANDARD, 0));
    assertEquals(new Friction.Thresholds(500, 900), friction.thresholds(SecurityLevel.STANDARD, 3));
    assertEquals(new Friction.Thresholds(150, 550), friction.thresholds(SecurityLevel.STRICT, 0));
  }

  @Test
  void thresholdsNeverFallBelowTheirFloors() {
    Friction harsh = new Friction(defaults(List.of(-600, -600, -600, -600)));
    assertEquals(new Friction.Thresholds(100, 300), harsh.thresholds(SecurityLevel.STRICT, 0));
  }

  @Test
  void strictUsersGetHalfTheRiskBudget() {
    assertEquals(2_000, friction.riskBudgetMinor(SecurityLevel.STANDARD, 0));
    assertEquals(1_000, friction.riskBudgetMinor(SecurityLevel.STRICT, 0));
    assertEquals(50_000, friction.riskBudgetMinor(SecurityLevel.STANDARD, 3));
  }

  @Test
  void riskBudgetPercentCountsThisPayment() {
    assertEquals(99, friction.riskBudgetPercent(1_900, 90, SecurityLevel.STANDARD, 0));
    assertEquals(100, friction.riskBudgetPercent(1_900, 100, SecurityLevel.STANDARD, 0));
    assertEquals(10, friction.riskBudgetPercent(0, 200, SecurityLevel.STANDARD, 0));
  }

  @Test
  void riskBudgetPercentSaturatesInsteadOfOverflowing() {
    long percent = friction.riskBudgetPercent(Long.MAX_VALUE - 5, Long.MAX_VALUE, SecurityLevel.STANDARD, 0);
    assertEquals(Long.MAX_VALUE / 2_000, percent);
  }

  @Test
  void refusesATierTableOfTheWrongLength() {
    assertThrows(IllegalStateException.class, () -> new Friction(defaults(List.of(0, 0))));
  }
}
