package io.farthing.risk.rule;

/**
 * One test a rule makes, as stored and shown: {@code value} is a Long or a String, or for IN /
 * NOT_IN a List of them. Only {@link RuleValidator} makes conditions, so the value always fits
 * the feature's kind and the operator.
 */
public record Condition(String feature, Operator op, Object value) {}
