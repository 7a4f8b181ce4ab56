package io.farthing.risk.model;

import io.farthing.risk.model.SyntheticData.Pattern;
import io.farthing.risk.model.SyntheticData.Sample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Deterministic training: a stratified held-out split, standardisation fitted on the training
 * part only, then fixed epochs of SGD over a seeded shuffle, each step being exactly the online
 * update {@link LogisticModel#updated} that feedback applies in production. The decision
 * threshold is the one that maximises F1 on the training part; every reported figure is measured
 * on the held-out part, which training never saw.
 */
public final class Trainer {

  public record Options(long seed, int epochs, double learningRate, double l2, double testShare) {
    public static final Options DEFAULT = new Options(20261201L, 30, 0.1, 1e-5, 0.2);

    public Options {
      if (epochs < 1 || !(learningRate > 0) || !(l2 >= 0) || !(testShare > 0 && testShare < 1)) {
        throw new IllegalArgumentException("invalid training options");
      }
    }
  }

  public record Split(List<Sample> train, List<Sample> test) {}

  public record Result(
      LogisticModel model,
      double threshold,
      Metrics train,
      Metrics heldOut,
      Metrics rulesHeldOut,
      Map<String, Double> heldOutRecallByPattern,
      int trainSamples,
      int trainFraud,
      int testSamples,
      int testFraud) {}

  private Trainer() {}

  public static Result train(List<Sample> samples, Options options) {
    Split split = split(samples, options.testShare(), options.seed());
    LogisticModel model = initialModel(split.train(), ModelFeatures.DEFAULT);
    List<Sample> order = new ArrayList<>(split.train());
    Random shuffle = new Random(options.seed() ^ 0x5DEECE66DL);
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      shuffle(order, shuffle);
      double rate = options.learningRate() / (1 + 0.5 * epoch);
      for (Sample s : order) {
        model = model.updated(s.features(), s.fraud(), rate, options.l2());
      }
    }
    double[] trainScores = scores(model, split.train());
    boolean[] trainLabels = labels(split.train());
    double threshold = Metrics.bestF1Threshold(trainScores, trainLabels);
    double[] testScores = scores(model, split.test());
    boolean[] testLabels = labels(split.test());
    double[] ruleScores = split.test().stream().mapToDouble(s -> RulesBaseline.rulesFired(s.features())).toArray();
    return new Result(
        model,
        threshold,
        Metrics.of(trainScores, trainLabels, threshold),
        Metrics.of(testScores, testLabels, threshold),
        Metrics.of(ruleScores, testLabels, 1),
        recallByPattern(split.test(), testScores, threshold),
        split.train().size(),
        countFraud(split.train()),
        split.test().size(),
        countFraud(split.test()));
  }

  /**
   * The same share of fraud and of legitimate samples goes to the held-out part, chosen by a
   * seeded shuffle of each class; both parts keep the generator's order otherwise.
   */
  public static Split split(List<Sample> samples, double testShare, long seed) {
    List<Integer> fraud = new ArrayList<>();
    List<Integer> legit = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      (samples.get(i).fraud() ? fraud : legit).add(i);
    }
    Random random = new Random(seed);
    shuffle(fraud, random);
    shuffle(legit, random);
    boolean[] held = new boolean[samples.size()];
    fraud.subList(0, (int) Math.round(fraud.size() * testShare)).forEach(i -> held[i] = true);
    legit.subList(0, (int) Math.round(legit.size() * testShare)).forEach(i -> held[i] = true);
    List<Sample> train = new ArrayList<>();
    List<Sample> test = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      (held[i] ? test : train).add(samples.get(i));
    }
    return new Split(List.copyOf(train), List.copyOf(test));
  }

  /**
   * Zero weights, the bias at the training fraud rate's log-odds, and each feature's mean and
   * standard deviation over the training samples that have it (so absent means "as usual").
   */
  public static LogisticModel initialModel(List<Sample> train, List<ModelFeatures.Spec> specs) {
    List<LogisticModel.Parameter> parameters = new ArrayList<>();
    for (ModelFeatures.Spec spec : specs) {
      double sum = 0;
      double sumSquares = 0;
      long n = 0;
      for (Sample s : train) {
        OptionalLong raw = s.features().number(spec.name());
        if (raw.isPresent()) {
          double x = spec.transform().apply(raw.getAsLong(), spec.cap());
          sum += x;
          sumSquares += x * x;
          n++;
        }
      }
      double mean = n == 0 ? 0 : sum / n;
      double variance = n == 0 ? 0 : Math.max(0, sumSquares / n - mean * mean);
      double scale = variance > 1e-12 ? StrictMath.sqrt(variance) : 1.0;
      parameters.add(new LogisticModel.Parameter(spec.name(), spec.transform(), spec.cap(), mean, scale, 0));
    }
    double fraudRate = Math.max(1e-6, Math.min(1 - 1e-6, (double) countFraud(train) / Math.max(1, train.size())));
    return new LogisticModel(StrictMath.log(fraudRate / (1 - fraudRate)), parameters);
  }

  public static double[] scores(LogisticModel model, List<Sample> samples) {
    return samples.stream().map(Sample::features).mapToDouble(model::probability).toArray();
  }

  private static boolean[] labels(List<Sample> samples) {
    boolean[] labels = new boolean[samples.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = samples.get(i).fraud();
    }
    return labels;
  }

  private static Map<String, Double> recallByPattern(List<Sample> test, double[] scores, double threshold) {
    Map<Pattern, long[]> counts = new EnumMap<>(Pattern.class);
    for (int i = 0; i < test.size(); i++) {
      Sample s = test.get(i);
      if (s.fraud()) {
        long[] c = counts.computeIfAbsent(s.pattern(), p -> new long[2]);
        c[0] += scores[i] >= threshold ? 1 : 0;
        c[1]++;
      }
    }
    Map<String, Double> recall = new LinkedHashMap<>();
    counts.forEach((pattern, c) -> recall.put(pattern.name(), (double) c[0] / c[1]));
    return recall;
  }

  private static int countFraud(List<Sample> samples) {
    return (int) samples.stream().filter(Sample::fraud).count();
  }

  /** Fisher–Yates written out, so the order depends on nothing but the seed. */
  private static <T> void shuffle(List<T> list, Random random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T swap = list.get(i);
      list.set(i, list.get(j));
      list.set(j, swap);
    }
  }
}
