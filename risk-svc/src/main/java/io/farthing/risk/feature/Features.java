package io.farthing.risk.feature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The feature values one decision saw: integer numbers (counts, minor units, basis points,
 * percentages, 0/1 flags) and labels (channel, category, ...), by the names in
 * {@link FeatureNames}. A feature that could not be computed (Redis unavailable) is absent,
 * never a made-up zero; rules on an absent feature do not fire.
 */
public final class Features {
  private final Map<String, Long> numbers;
  private final Map<String, String> labels;

  private Features(Map<String, Long> numbers, Map<String, String> labels) {
    this.numbers = Collections.unmodifiableMap(numbers);
    this.labels = Collections.unmodifiableMap(labels);
  }

  public static Builder builder() {
    return new Builder();
  }

  public OptionalLong number(String name) {
    Long value = numbers.get(name);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** The number, or {@code fallback} when absent. */
  public long number(String name, long fallback) {
    Long value = numbers.get(name);
    return value == null ? fallback : value;
  }

  public String label(String name) {
    return labels.get(name);
  }

  public boolean has(String name) {
    return numbers.containsKey(name) || labels.containsKey(name);
  }

  /** The value of {@code name} as text (for reasons and storage), or null when absent. */
  public String text(String name) {
    Long value = numbers.get(name);
    return value != null ? Long.toString(value) : labels.get(name);
  }

  public boolean degraded() {
    return number(FeatureNames.DEGRADED, 0) == 1;
  }

  public Map<String, Long> numbers() {
    return numbers;
  }

  public Map<String, String> labels() {
    return labels;
  }

  /** Every value as text, numbers first, in insertion order. */
  public Map<String, String> asText() {
    Map<String, String> all = new LinkedHashMap<>();
    numbers.forEach((k, v) -> all.put(k, Long.toString(v)));
    all.putAll(labels);
    return all;
  }

  /** A copy with more (or replaced) values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.numbers.putAll(numbers);
    builder.labels.putAll(labels);
    return builder;
  }

  /** Rebuilds features stored as text (a past decision's), typing them by {@link FeatureNames}. */
  public static Features fromText(Map<String, String> stored) {
    Builder builder = new Builder();
    stored.forEach(
        (name, value) -> {
          if (FeatureNames.isNumber(name)) {
            try {
              builder.number(name, Long.parseLong(value));
            } catch (NumberFormatException ignored) {
              // A value this version cannot read is left out, exactly like a missing feature.
            }
          } else if (FeatureNames.isLabel(name)) {
            builder.label(name, value);
          }
        });
    return builder.build();
  }

  @Override
  public String toString() {
    return asText().toString();
  }

  public static final class Builder {
    private final Map<String, Long> numbers = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();

    public Builder number(String name, long value) {
      if (!FeatureNames.isNumber(name)) {
        throw new IllegalArgumentException("not a numeric feature: " + name);
      }
      numbers.put(name, value);
      return this;
    }

    public Builder flag(String name, boolean value) {
      return number(name, value ? 1 : 0);
    }

    public Builder label(String name, String value) {
      if (!FeatureNames.isLabel(name)) {
        throw new IllegalArgumentException("not a label feature: " + name);
      }
      if (value != null) {
        labels.put(name, value);
      }
      return this;
    }

    public Features build() {
      return new Features(new LinkedHashMap<>(numbers), new LinkedHashMap<>(labels));
    }
  }
}
