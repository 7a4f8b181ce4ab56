package io.farthing.risk.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The shipped model, {@code model/baseline.json}: the parameters and the report of how they were
 * made (generator seed and size, training options, sample counts, the held-out metrics). It is
 * written by {@link TrainBaseline} and nothing else; a test retrains and compares, so the resource
 * cannot drift from the code.
 *
 * <p>Read and written with a plain Jackson mapper, so a native image needs the reflection
 * registered here.
 */
@RegisterForReflection(
    targets = {
      Baseline.class, Baseline.Report.class, Baseline.Generator.class, Baseline.Training.class,
      Metrics.class, LogisticModel.Json.class, LogisticModel.Parameter.class, Transform.class
    })
public record Baseline(int format, Report report, LogisticModel.Json parameters) {
  public static final String RESOURCE = "model/baseline.json";
  public static final int FORMAT = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** What {@code model_versions.metrics} holds for the baseline. */
  public record Report(
      Generator generator,
      Training training,
      double threshold,
      Metrics heldOut,
      Metrics rulesBaselineHeldOut,
      Map<String, Double> heldOutRecallByPattern,
      Metrics train) {}

  public record Generator(int version, long seed, int samples, double fraudRate, double degradedRate) {}

  public record Training(
      long seed,
      int epochs,
      double learningRate,
      double l2,
      double testShare,
      int trainSamples,
      int trainFraud,
      int testSamples,
      int testFraud,
      List<String> features) {}

  /** The documented recipe: this seed and size, {@link Trainer.Options#DEFAULT}. */
  public static final long SEED = 20261201L;
  public static final int SAMPLES = 40_000;

  /** Generates the data and trains exactly as the shipped baseline was made. */
  public static Baseline train() {
    return train(SEED, SAMPLES, Trainer.Options.DEFAULT);
  }

  public static Baseline train(long seed, int samples, Trainer.Options options) {
    Trainer.Result r = Trainer.train(SyntheticData.generate(seed, samples), options);
    Report report =
        new Report(
            new Generator(SyntheticData.GENERATOR_VERSION, seed, samples, SyntheticData.FRAUD_RATE,
                SyntheticData.DEGRADED_RATE),
            new Training(options.seed(), options.epochs(), options.learningRate(), options.l2(),
                options.testShare(), r.trainSamples(), r.trainFraud(), r.testSamples(), r.testFraud(),
                r.model().featureNames()),
            r.threshold(),
            r.heldOut(),
            r.rulesHeldOut(),
            r.heldOutRecallByPattern(),
            r.train());
    return new Baseline(FORMAT, report, r.model().toJsonForm());
  }

  public LogisticModel model() {
    return LogisticModel.fromJsonForm(parameters);
  }

  /** {@code baseline-} and the first 12 hex digits of SHA-256 over the stored parameters. */
  public String version() {
    return "baseline-" + shortHash(model().toJson());
  }

  public String reportJson() {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Baseline fromJson(String json) {
    try {
      return JSON.readValue(json, Baseline.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("baseline is not readable", e);
    }
  }

  /** The baseline shipped in this build. */
  public static Baseline load() {
    try (InputStream in = resource()) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    InputStream in = loader == null ? null : loader.getResourceAsStream(RESOURCE);
    return in != null ? in : Baseline.class.getClassLoader().getResourceAsStream(RESOURCE);
  }

  static String shortHash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
