package io.farthing.risk.rule;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Verdict;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated rule, compiled once when it is loaded: each condition becomes a small check that
 * reads one feature without allocating, so evaluating a rule on the hot path costs a few map
 * look-ups. Immutable; instances are shared by every scoring thread.
 */
public final class Rule {
  private final String id;
  private final String description;
  private final List<Condition> conditions;
  private final int points;
  private final Verdict forceVerdict;
  private final boolean enabled;
  private final int version;
  private final Check[] checks;
  /** The distinct features the conditions read, in condition order: the reason shows them. */
  private final String[] readFeatures;

  /** Made by {@link RuleValidator}, which has checked every part. */
  Rule(
      String id,
      String description,
      List<Condition> conditions,
      int points,
      Verdict forceVerdict,
      boolean enabled,
      int version) {
    this.id = id;
    this.description = description;
    this.conditions = List.copyOf(conditions);
    this.points = points;
    this.forceVerdict = forceVerdict;
    this.enabled = enabled;
    this.version = version;
    this.checks = this.conditions.stream().map(Rule::compile).toArray(Check[]::new);
    Set<String> features = new LinkedHashSet<>();
    this.conditions.forEach(c -> features.add(c.feature()));
    this.readFeatures = features.toArray(String[]::new);
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  public List<Condition> conditions() {
    return conditions;
  }

  public int points() {
    return points;
  }

  /** The verdict this rule forces when it fires, or null. */
  public Verdict forceVerdict() {
    return forceVerdict;
  }

  public boolean enabled() {
    return enabled;
  }

  public int version() {
    return version;
  }

  /** The same rule, enabled or not (and at another version). */
  Rule with(boolean enabled, int version) {
    return new Rule(id, description, conditions, points, forceVerdict, enabled, version);
  }

  /** Whether every condition holds. A condition on an absent feature does not. */
  public boolean matches(Features features) {
    for (Check check : checks) {
      if (!check.test(features)) {
        return false;
      }
    }
    return true;
  }

  String[] readFeatures() {
    return readFeatures;
  }

  @Override
  public String toString() {
    return "Rule[" + id + " v" + version + (enabled ? "" : " disabled") + "]";
  }

  // --- compiled conditions -----------------------------------------------------------------

  private interface Check {
    boolean test(Features features);
  }

  @SuppressWarnings("unchecked")
  private static Check compile(Condition condition) {
    String feature = condition.feature();
    Operator op = condition.op();
    if (FeatureNames.isNumber(feature)) {
      if (op.takesList()) {
        long[] sorted =
            ((List<Long>) condition.value()).stream().mapToLong(Long::longValue).sorted().toArray();
        return new NumberIn(feature, sorted, op == Operator.IN);
      }
      return new NumberCompare(feature, op, (Long) condition.value());
    }
    if (op.takesList()) {
      return new LabelIn(feature, new HashSet<>((List<String>) condition.value()), op == Operator.IN);
    }
    return new LabelEquals(feature, (String) condition.value(), op == Operator.EQ);
  }

  private record NumberCompare(String feature, Operator op, long value) implements Check {
    @Override
    public boolean test(Features features) {
      Map<String, Long> numbers = features.numbers();
      Long boxed = numbers.get(feature);
      if (boxed == null) {
        return false;
      }
      long actual = boxed;
      return switch (op) {
        case GT -> actual > value;
        case GTE -> actual >= value;
        case LT -> actual < value;
        case LTE -> actual <= value;
        case EQ -> actual == value;
        case NEQ -> actual != value;
        case IN, NOT_IN -> throw new IllegalStateException("list operator compiled as a comparison");
      };
    }
  }

  private record NumberIn(String feature, long[] sortedValues, boolean in) implements Check {
    @Override
    public boolean test(Features features) {
      Long boxed = features.numbers().get(feature);
      if (boxed == null) {
        return false;
      }
      return (Arrays.binarySearch(sortedValues, boxed) >= 0) == in;
    }
  }

  private record LabelEquals(String feature, String value, boolean equal) implements Check {
    @Override
    public boolean test(Features features) {
      String actual = features.label(feature);
      return actual != null && actual.equals(value) == equal;
    }
  }

  private record LabelIn(String feature, Set<String> values, boolean in) implements Check {
    @Override
    public boolean test(Features features) {
      String actual = features.label(feature);
      return actual != null && values.contains(actual) == in;
    }
  }
}
