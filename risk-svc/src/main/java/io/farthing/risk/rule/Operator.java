package io.farthing.risk.rule;

import io.farthing.risk.feature.FeatureNames;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a condition compares a feature with its value. Numbers take every operator (with an
 * integer, or a list of integers for IN / NOT_IN); labels only the equality ones (with a string
 * or a list of strings).
 */
public enum Operator {
  GT,
  GTE,
  LT,
  LTE,
  EQ,
  NEQ,
  IN,
  NOT_IN;

  private static final Set<Operator> NUMBER_OPERATORS = EnumSet.allOf(Operator.class);
  private static final Set<Operator> LABEL_OPERATORS = EnumSet.of(EQ, NEQ, IN, NOT_IN);

  public boolean takesList() {
    return this == IN || this == NOT_IN;
  }

  public static Set<Operator> allowedFor(FeatureNames.Kind kind) {
    return kind == FeatureNames.Kind.NUMBER ? NUMBER_OPERATORS : LABEL_OPERATORS;
  }

  /** The operator named {@code name} (exactly, upper case), or null. */
  public static Operator parse(String name) {
    if (name == null) {
      return null;
    }
    for (Operator op : values()) {
      if (op.name().equals(name)) {
        return op;
      }
    }
    return null;
  }
}
