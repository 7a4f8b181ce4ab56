package io.farthing.risk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.model.SyntheticData.Pattern;
import io.farthing.risk.model.SyntheticData.Sample;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

  private static String describe(List<Sample> samples) {
    StringBuilder out = new StringBuilder();
    samples.forEach(s -> out.append(s.pattern()).append(s.fraud()).append(s.features()).append('\n'));
    return out.toString();
  }

  @Test
  void theSameSeedGivesTheSameData() {
    assertEquals(describe(SyntheticData.generate(7, 3_000)), describe(SyntheticData.generate(7, 3_000)));
    assertNotEquals(describe(SyntheticData.generate(7, 3_000)), describe(SyntheticData.generate(8, 3_000)));
  }

  @Test
  void fraudIsAFewPercentAndEveryPatternAppears() {
    List<Sample> samples = SyntheticData.generate(Baseline.SEED, 20_000);
    long fraud = samples.stream().filter(Sample::fraud).count();
    double rate = (double) fraud / samples.size();
    assertTrue(rate >= 0.03 && rate <= 0.05, "fraud rate " + rate);
    Set<Pattern> seen = EnumSet.noneOf(Pattern.class);
    samples.forEach(s -> seen.add(s.pattern()));
    assertEquals(EnumSet.allOf(Pattern.class), seen);
    samples.forEach(s -> assertEquals(s.pattern().fraud(), s.fraud()));
  }

  @Test
  void degradedSamplesCarryOnlyTheRequestFeatures() {
    List<Sample> samples = SyntheticData.generate(3, 10_000);
    List<Sample> degraded = samples.stream().filter(s -> s.features().degraded()).toList();
    assertFalse(degraded.isEmpty());
    degraded.forEach(s -> {
      assertTrue(s.features().has(FeatureNames.AMOUNT_MINOR));
      assertFalse(s.features().has(FeatureNames.COUNT_1M));
      assertFalse(s.features().has(FeatureNames.MERCHANT_DISPUTE_RATE_BP));
    });
  }

  @Test
  void windowsHoldThePaymentItself() {
    for (Sample s : SyntheticData.generate(11, 5_000)) {
      var f = s.features();
      if (f.degraded()) {
        continue;
      }
      long amount = f.number(FeatureNames.AMOUNT_MINOR, -1);
      assertTrue(amount > 0);
      assertTrue(f.number(FeatureNames.COUNT_1M, 0) >= 1);
      assertTrue(f.number(FeatureNames.COUNT_1H, 0) >= f.number(FeatureNames.COUNT_1M, 0));
      assertTrue(f.number(FeatureNames.COUNT_24H, 0) >= f.number(FeatureNames.COUNT_1H, 0));
      assertTrue(f.number(FeatureNames.SUM_1M, 0) >= amount);
      assertTrue(f.number(FeatureNames.DEVICES_24H, 0) >= 1);
    }
  }

  @Test
  void fraudAndLegitimatePaymentsOverlap() {
    // Not trivially separable: some legitimate payments carry a fraud sign, some fraud carries none.
    List<Sample> samples = SyntheticData.generate(Baseline.SEED, 20_000);
    long legitFlaggedByRules = samples.stream().filter(s -> !s.fraud() && RulesBaseline.rulesFired(s.features()) > 0).count();
    long fraudMissedByRules = samples.stream().filter(s -> s.fraud() && RulesBaseline.rulesFired(s.features()) == 0).count();
    assertTrue(legitFlaggedByRules > 100, "legit flagged " + legitFlaggedByRules);
    assertTrue(fraudMissedByRules > 100, "fraud missed " + fraudMissedByRules);
  }
}
