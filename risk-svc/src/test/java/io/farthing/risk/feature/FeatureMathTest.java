package io.farthing.risk.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.score.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureMathTest {

  @ParameterizedTest(name = "{0} minor units near a 100000 limit at 90%: {1}")
  @CsvSource({
    "99999, true", // limit - 1: in
    "100000, false", // the limit itself: out
    "90000, true", // exactly 90 %: in
    "89999, false", // just below 90 %: out
    "1, false",
    "150000, false"
  })
  void nearLimitIsFromNinetyPercentUpToButExcludingTheLimit(long amount, boolean near) {
    assertEquals(near, FeatureMath.nearLimit(Channel.TOP_UP, amount, 100_000, 90));
    assertEquals(near, FeatureMath.nearLimit(Channel.P2P, amount, 100_000, 90));
  }

  @Test
  void nearLimitWatchesOnlyTopUpsAndTransfers() {
    for (Channel channel : new Channel[] {Channel.IN_APP, Channel.QR, Channel.NFC}) {
      assertFalse(FeatureMath.nearLimit(channel, 95_000, 100_000, 90), channel.name());
    }
  }

  @Test
  void nearLimitRoundsAnInexactLowerBoundUp() {
    // 999 x 90 / 100 = 899.1: 899 is below 90 %, 900 is not.
    assertFalse(FeatureMath.nearLimit(Channel.TOP_UP, 899, 999, 90));
    assertTrue(FeatureMath.nearLimit(Channel.TOP_UP, 900, 999, 90));
  }

  @Test
  void zscoreOfAKnownHistory() {
    // 100, 200, 300, 400, 500: mean 300, m2 = 100000, sample sd = sqrt(25000) = 158.11
    assertEquals(253, FeatureMath.zscoreX100(700, 5, 300, 100_000));
    assertEquals(0, FeatureMath.zscoreX100(300, 5, 300, 100_000));
    assertEquals(-126, FeatureMath.zscoreX100(100, 5, 300, 100_000));
  }

  @Test
  void zscoreNeedsFivePastPayments() {
    assertEquals(0, FeatureMath.zscoreX100(10_000, 4, 300, 100_000));
    assertEquals(0, FeatureMath.zscoreX100(10_000, 0, 0, 0));
  }

  @Test
  void zeroVarianceUsesTheFloorOfTenPercentOfTheMean() {
    // Always 1000: sd floored at 100, so 2000 is 10 sd away and the usual amount 0.
    assertEquals(1000, FeatureMath.zscoreX100(2000, 5, 1000, 0));
    assertEquals(0, FeatureMath.zscoreX100(1000, 5, 1000, 0));
    // Tiny means: the floor is at least one minor unit.
    assertEquals(300, FeatureMath.zscoreX100(5, 6, 2, 0));
  }

  @Test
  void zscoreIsCapped() {
    assertEquals(FeatureMath.MAX_ABS_ZSCORE_X100, FeatureMath.zscoreX100(Long.MAX_VALUE / 2, 5, 1, 0));
  }

  @Test
  void parisToNewYorkIsAbout5840Km() {
    long km = FeatureMath.haversineKm(Contexts.PARIS, Contexts.NEW_YORK);
    assertTrue(km > 5800 && km < 5880, "km = " + km);
    assertEquals(0, FeatureMath.haversineKm(Contexts.PARIS, Contexts.PARIS));
  }

  @Test
  void speedUsesAtLeastOneMinute() {
    assertEquals(5837, FeatureMath.speedKmh(5837, 3_600_000));
    assertEquals(60, FeatureMath.speedKmh(1, 10_000)); // 10 s read as 60 s
    assertEquals(60, FeatureMath.speedKmh(1, 0));
    assertEquals(120, FeatureMath.speedKmh(60, -1_800_000)); // out of order: 30 min apart
  }

  @Test
  void ratesAndSharesAreIntegerAndZeroWithoutADenominator() {
    assertEquals(2000, FeatureMath.rateBp(1, 5));
    assertEquals(3333, FeatureMath.rateBp(1, 3));
    assertEquals(0, FeatureMath.rateBp(3, 0));
    assertEquals(90, FeatureMath.sharePct(900, 1000));
    assertEquals(33, FeatureMath.sharePct(1, 3));
    assertEquals(0, FeatureMath.sharePct(0, 0));
  }

  @Test
  void riskWeightIsOneToThreeTimesTheAmount() {
    assertEquals(1000, FeatureMath.riskWeightedMinor(1000, 0));
    assertEquals(2000, FeatureMath.riskWeightedMinor(1000, 500));
    assertEquals(3000, FeatureMath.riskWeightedMinor(1000, 1000));
    assertEquals(1, FeatureMath.riskWeightedMinor(1, 1)); // 1 x 1002 / 1000, truncated
    assertEquals(Long.MAX_VALUE, FeatureMath.riskWeightedMinor(Long.MAX_VALUE / 2, 1000));
  }

  @Test
  void summedAmountsAreTheAmountUpToABoundThatKeepsEveryWindowSumExactInLua() {
    assertEquals(150, FeatureMath.summedAmount(150, 2000));
    long cap = FeatureMath.summedAmount(Long.MAX_VALUE, 2000);
    assertEquals(cap, FeatureMath.summedAmount(Long.MAX_VALUE - 1, 2000));
    assertEquals(cap, FeatureMath.summedAmount(cap + 1, 2000));
    assertEquals(cap - 1, FeatureMath.summedAmount(cap - 1, 2000));
    assertTrue(cap > 1_000_000_000_000L, "far above any real payment: " + cap);
    // 2000 events, each risk-weighted at the most (3x), still sum below 2^53.
    assertTrue(2000 * FeatureMath.riskWeightedMinor(cap, 1000) <= FeatureMath.EXACT_IN_LUA);
    assertEquals(0, FeatureMath.summedAmount(-5, 2000));
  }
}
