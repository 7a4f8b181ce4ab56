package io.farthing.risk.model;

/**
 * How much one feature moved the model's logit for one payment: {@code weight × standardised
 * transformed value}. Positive pushes toward fraud.
 *
 * @param value the raw feature value the payment had
 */
public record Contribution(String feature, long value, double contribution) {}
