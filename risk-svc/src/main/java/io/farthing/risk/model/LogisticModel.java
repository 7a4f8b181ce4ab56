package io.farthing.risk.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.risk.feature.Features;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Logistic regression over transformed, standardised numeric features:
 * {@code p = sigmoid(bias + Σ weight_i × (transform_i(x_i) − mean_i) / scale_i)}. Immutable: an
 * online update returns a new model, so a scorer holding one never sees a half-applied step.
 *
 * <p>A feature the payment lacks (Redis down, a feature this caller cannot compute) contributes
 * exactly its training mean, i.e. 0 after standardisation: the model neither rewards nor punishes
 * what it could not see.
 *
 * <p>Its JSON form is what {@code model_versions.parameters} holds:
 * {@code {"format":1,"bias":b,"features":[{"name","transform","cap","mean","scale","weight"}...]}}.
 */
public final class LogisticModel {
  public static final int FORMAT = 1;
  /** Keeps exp() finite; a logit beyond ±35 is a probability indistinguishable from 0 or 1. */
  private static final double MAX_LOGIT = 35;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One input of the model with everything needed to turn a raw value into its logit share. */
  public record Parameter(
      String name, Transform transform, double cap, double mean, double scale, double weight) {
    public Parameter {
      if (!(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("scale must be positive and finite: " + name);
      }
      if (!Double.isFinite(mean) || !Double.isFinite(weight)) {
        throw new IllegalArgumentException("mean and weight must be finite: " + name);
      }
      new ModelFeatures.Spec(name, transform, cap); // validates the name, transform and cap
    }

    /** The transformed, standardised value; 0 (the training mean) when absent. */
    double standardised(OptionalLong raw) {
      return raw.isEmpty() ? 0.0 : (transform.apply(raw.getAsLong(), cap) - mean) / scale;
    }

    Parameter withWeight(double newWeight) {
      return new Parameter(name, transform, cap, mean, scale, newWeight);
    }
  }

  /** The stored form; also what the admin API shows. */
  public record Json(int format, double bias, List<Parameter> features) {}

  private final double bias;
  private final List<Parameter> parameters;

  public LogisticModel(double bias, List<Parameter> parameters) {
    if (!Double.isFinite(bias)) {
      throw new IllegalArgumentException("bias must be finite");
    }
    Set<String> seen = new HashSet<>();
    for (Parameter p : parameters) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException("feature listed twice: " + p.name());
      }
    }
    this.bias = bias;
    this.parameters = List.copyOf(parameters);
  }

  public double bias() {
    return bias;
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  public List<String> featureNames() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /** The probability that the payment described by {@code features} is fraud. */
  public double probability(Features features) {
    return sigmoid(logit(features));
  }

  public double logit(Features features) {
    double z = bias;
    for (Parameter p : parameters) {
      z += p.weight() * p.standardised(features.number(p.name()));
    }
    return z;
  }

  /**
   * The {@code n} present features that moved the logit most, largest absolute contribution
   * first (ties by name, so the order is stable). Absent features contribute 0 and are skipped.
   */
  public List<Contribution> topContributions(Features features, int n) {
    List<Contribution> all = new ArrayList<>();
    for (Parameter p : parameters) {
      OptionalLong raw = features.number(p.name());
      if (raw.isPresent()) {
        all.add(new Contribution(p.name(), raw.getAsLong(), p.weight() * p.standardised(raw)));
      }
    }
    all.sort(
        Comparator.comparingDouble((Contribution c) -> -Math.abs(c.contribution()))
            .thenComparing(Contribution::feature));
    return List.copyOf(all.subList(0, Math.min(Math.max(n, 0), all.size())));
  }

  /**
   * One stochastic-gradient step on the log loss of one labelled payment, L2 on the weights (not
   * the bias): {@code w ← w − rate × ((p − y) × x + l2 × w)}.
   */
  public LogisticModel updated(Features features, boolean fraud, double learningRate, double l2) {
    if (!(learningRate > 0) || !(l2 >= 0)) {
      throw new IllegalArgumentException("learningRate must be > 0 and l2 >= 0");
    }
    double error = probability(features) - (fraud ? 1.0 : 0.0);
    List<Parameter> next = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      double x = p.standardised(features.number(p.name()));
      next.add(p.withWeight(p.weight() - learningRate * (error * x + l2 * p.weight())));
    }
    return new LogisticModel(bias - learningRate * error, next);
  }

  public Json toJsonForm() {
    return new Json(FORMAT, bias, parameters);
  }

  /** The JSON stored in {@code model_versions.parameters}; same model, same text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonForm());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model parameters", e);
    }
  }

  public static LogisticModel fromJson(String json) {
    Json form;
    try {
      form = JSON.readValue(json, Json.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("model parameters are not readable JSON", e);
    }
    return fromJsonForm(form);
  }

  public static LogisticModel fromJsonForm(Json form) {
    if (form == null || form.format() != FORMAT || form.features() == null) {
      throw new IllegalArgumentException("unsupported model parameters format");
    }
    return new LogisticModel(form.bias(), form.features());
  }

  static double sigmoid(double z) {
    double bounded = Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, z));
    return 1.0 / (1.0 + StrictMath.exp(-bounded));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LogisticModel m
        && Double.compare(bias, m.bias) == 0
        && parameters.equals(m.parameters);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(bias) * 31 + parameters.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
