package io.farthing.risk.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Regenerates {@code model/baseline.json} from the documented seed and prints the held-out
 * metrics as a markdown table. Run by {@code scripts/train-risk-model}; the output is the same on
 * every run and every machine.
 *
 * <p>Usage: {@code TrainBaseline [output-file]} (default
 * {@code risk-svc/src/main/resources/model/baseline.json}).
 */
public final class TrainBaseline {
  private TrainBaseline() {}

  public static void main(String[] args) throws IOException {
    Path output = Path.of(args.length > 0 ? args[0] : "risk-svc/src/main/resources/" + Baseline.RESOURCE);
    Baseline baseline = Baseline.train();
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, baseline.toJson(), StandardCharsets.UTF_8);
    System.out.println("Wrote " + output + " (" + baseline.version() + ")");
    System.out.println();
    System.out.print(markdown(baseline.report()));
  }

  /** The held-out table of docs/risk-model.md. */
  public static String markdown(Baseline.Report r) {
    StringBuilder out = new StringBuilder();
    Baseline.Training t = r.training();
    out.append(String.format(Locale.ROOT,
        "Held-out split: %d payments, %d fraud (training: %d, %d fraud). Threshold %.4f (max F1 on training).%n%n",
        t.testSamples(), t.testFraud(), t.trainSamples(), t.trainFraud(), r.threshold()));
    out.append("| scorer | precision | recall | F1 | ROC AUC | TP | FP | TN | FN |\n");
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    row(out, "logistic model", r.heldOut());
    row(out, "rules only (any of 6 fires)", r.rulesBaselineHeldOut());
    out.append("\n| fraud pattern | held-out recall |\n| --- | ---: |\n");
    for (Map.Entry<String, Double> e : r.heldOutRecallByPattern().entrySet()) {
      out.append(String.format(Locale.ROOT, "| %s | %.3f |%n", e.getKey(), e.getValue()));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String name, Metrics m) {
    out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %d | %d | %d | %d |%n",
        name, m.precision(), m.recall(), m.f1(), m.rocAuc(), m.truePositives(), m.falsePositives(),
        m.trueNegatives(), m.falseNegatives()));
  }
}
