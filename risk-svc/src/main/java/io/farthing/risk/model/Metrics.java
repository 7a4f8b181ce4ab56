package io.farthing.risk.model;

import java.util.Arrays;

/**
 * How well scores separate fraud from legitimate payments on labelled data: the confusion matrix
 * at a threshold (score ≥ threshold is flagged), the precision, recall and F1 it gives, and ROC
 * AUC, which does not depend on any threshold. An undefined ratio (no positives flagged, no fraud
 * at all) is reported as 0, never NaN, so the JSON stays valid.
 */
public record Metrics(
    long samples,
    long positives,
    double threshold,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives,
    double precision,
    double recall,
    double f1,
    double rocAuc) {

  /** The metrics of {@code scores} against {@code labels} when flagging at {@code threshold}. */
  public static Metrics of(double[] scores, boolean[] labels, double threshold) {
    requireSameLength(scores, labels);
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean flagged = scores[i] >= threshold;
      if (labels[i]) {
        if (flagged) {
          tp++;
        } else {
          fn++;
        }
      } else if (flagged) {
        fp++;
      } else {
        tn++;
      }
    }
    return fromConfusion(threshold, tp, fp, tn, fn, rocAuc(scores, labels));
  }

  /** Precision, recall and F1 of a confusion matrix (AUC given, as it needs the scores). */
  public static Metrics fromConfusion(double threshold, long tp, long fp, long tn, long fn, double rocAuc) {
    double precision = ratio(tp, tp + fp);
    double recall = ratio(tp, tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new Metrics(tp + fp + tn + fn, tp + fn, threshold, tp, fp, tn, fn, precision, recall, f1, rocAuc);
  }

  /**
   * The probability that a random fraud scores above a random legitimate payment, ties counting
   * half (the Mann–Whitney statistic). 0.5 when either class is empty.
   */
  public static double rocAuc(double[] scores, boolean[] labels) {
    requireSameLength(scores, labels);
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && Double.compare(scores[order[j + 1]], scores[order[i]]) == 0) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based; a tie shares the mean rank
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return 0.5;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * The threshold that maximises F1 on these scores: chosen on training data, then judged on
   * held-out data. Ties go to the higher threshold (fewer challenges for the same F1).
   */
  public static double bestF1Threshold(double[] scores, boolean[] labels) {
    requireSameLength(scores, labels);
    double[] candidates = Arrays.stream(scores).distinct().sorted().toArray();
    double best = Double.POSITIVE_INFINITY;
    double bestF1 = -1;
    long positives = 0;
    for (boolean label : labels) {
      if (label) {
        positives++;
      }
    }
    // Walk thresholds from the highest down, adding each group of equal scores at once.
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    long tp = 0;
    long flagged = 0;
    int next = 0;
    for (int c = candidates.length - 1; c >= 0; c--) {
      double threshold = candidates[c];
      while (next < order.length && scores[order[next]] >= threshold) {
        flagged++;
        if (labels[order[next]]) {
          tp++;
        }
        next++;
      }
      double precision = ratio(tp, flagged);
      double recall = ratio(tp, positives);
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = threshold;
      }
    }
    return best;
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  private static void requireSameLength(double[] scores, boolean[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException("scores and labels differ in length");
    }
  }
}
