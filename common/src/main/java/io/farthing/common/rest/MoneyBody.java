package io.farthing.common.rest;

import io.farthing.common.Amount;
import java.math.BigDecimal;

/**
 * An amount in a JSON request body. {@code amountMinor} is read as BigDecimal on purpose: a
 * fractional or out-of-range number is then refused by {@link Amount} rather than silently
 * truncated into a long by Jackson.
 */
public record MoneyBody(BigDecimal amountMinor, String currency) {

  public Amount positive(String field) {
    return Amount.positive(amountMinor, currency, field);
  }

  public Amount nonNegative(String field) {
    return Amount.nonNegative(amountMinor, currency, field);
  }
}
