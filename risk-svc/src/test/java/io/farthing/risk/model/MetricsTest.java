package io.farthing.risk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final boolean T = true;
  private static final boolean F = false;

  @Test
  void aHandMadeConfusionGivesItsPrecisionRecallF1AndAuc() {
    double[] scores = {0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1};
    boolean[] labels = {T, T, F, T, F, F, T, F};
    Metrics m = Metrics.of(scores, labels, 0.5);
    assertEquals(3, m.truePositives());
    assertEquals(1, m.falsePositives());
    assertEquals(3, m.trueNegatives());
    assertEquals(1, m.falseNegatives());
    assertEquals(8, m.samples());
    assertEquals(4, m.positives());
    assertEquals(0.75, m.precision(), 1e-12);
    assertEquals(0.75, m.recall(), 1e-12);
    assertEquals(0.75, m.f1(), 1e-12);
    // Fraud above legitimate in 12 of the 16 pairs.
    assertEquals(12 / 16.0, m.rocAuc(), 1e-12);
  }

  @Test
  void f1IsTheHarmonicMeanWhenPrecisionAndRecallDiffer() {
    Metrics m = Metrics.fromConfusion(0.5, 2, 2, 10, 0, 0.9);
    assertEquals(0.5, m.precision(), 1e-12);
    assertEquals(1.0, m.recall(), 1e-12);
    assertEquals(2 * 0.5 * 1.0 / 1.5, m.f1(), 1e-12);
  }

  @Test
  void undefinedRatiosAreZeroNotNaN() {
    Metrics nothingFlagged = Metrics.of(new double[] {0.1, 0.2}, new boolean[] {T, F}, 0.9);
    assertEquals(0.0, nothingFlagged.precision());
    assertEquals(0.0, nothingFlagged.recall());
    assertEquals(0.0, nothingFlagged.f1());
    assertEquals(0.5, Metrics.rocAuc(new double[] {0.1, 0.2}, new boolean[] {F, F}));
  }

  @Test
  void aucCountsTiesAsHalfAndIsOneForPerfectRanking() {
    assertEquals(0.5, Metrics.rocAuc(new double[] {0.5, 0.5}, new boolean[] {T, F}), 1e-12);
    assertEquals(1.0, Metrics.rocAuc(new double[] {0.9, 0.8, 0.2}, new boolean[] {T, T, F}), 1e-12);
    assertEquals(0.0, Metrics.rocAuc(new double[] {0.1, 0.8}, new boolean[] {T, F}), 1e-12);
    // Two positives tied with one negative at 0.5, one negative below: (0.5 + 1) × 2 / 4.
    assertEquals(0.75, Metrics.rocAuc(new double[] {0.5, 0.5, 0.5, 0.1}, new boolean[] {T, T, F, F}), 1e-12);
  }

  @Test
  void theBestF1ThresholdSeparatesACleanSplitAndPrefersTheHigherOneOnTies() {
    assertEquals(0.8, Metrics.bestF1Threshold(new double[] {0.9, 0.8, 0.3, 0.2}, new boolean[] {T, T, F, F}));
    // At 0.9: F1 2/3; at 0.7: F1 1/2; at 0.5: precision 2/3, recall 1, F1 0.8.
    assertEquals(0.5, Metrics.bestF1Threshold(new double[] {0.9, 0.7, 0.5}, new boolean[] {T, F, T}));
  }
}
