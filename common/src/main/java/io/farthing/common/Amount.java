package io.farthing.common;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * An amount of money as callers send it: int64 minor units and an ISO-4217 code. Validation
 * lives here once so REST bodies and gRPC Money messages are refused with the same reasons.
 */
public record Amount(long amountMinor, String currency) {
  public static final String INVALID_AMOUNT = "INVALID_AMOUNT";
  public static final String INVALID_CURRENCY = "INVALID_CURRENCY";
  private static final Pattern CODE = Pattern.compile("^[A-Z]{3}$");

  public Amount {
    requireCurrency(currency, "currency");
  }

  /** A strictly positive amount (a charge, a per-charge maximum) in a nested {@code field}. */
  public static Amount positive(Number amountMinor, String currency, String field) {
    return positiveNamed(amountMinor, currency, field + ".amountMinor", field + ".currency");
  }

  /** A strictly positive amount given as flat {@code amountMinor} and {@code currency} fields. */
  public static Amount positive(Number amountMinor, String currency) {
    return positiveNamed(amountMinor, currency, "amountMinor", "currency");
  }

  private static Amount positiveNamed(Number amountMinor, String currency, String amountField, String currencyField) {
    long minor = wholeMinorUnits(amountMinor, amountField);
    if (minor <= 0) {
      throw ApiException.invalid(amountField + " must be greater than zero", INVALID_AMOUNT);
    }
    return new Amount(minor, requireCurrency(currency, currencyField));
  }

  /** Zero or more (a threshold: zero means every payment). */
  public static Amount nonNegative(Number amountMinor, String currency, String field) {
    long minor = wholeMinorUnits(amountMinor, field + ".amountMinor");
    if (minor < 0) {
      throw ApiException.invalid(field + ".amountMinor must not be negative", INVALID_AMOUNT);
    }
    return new Amount(minor, requireCurrency(currency, field + ".currency"));
  }

  /**
   * An int64 count of minor units. JSON numbers arrive as BigDecimal so that 1.5 or 1e30 is
   * refused instead of being truncated or overflowing into a different amount.
   */
  private static long wholeMinorUnits(Number amountMinor, String field) {
    if (amountMinor == null) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    if (amountMinor instanceof Long || amountMinor instanceof Integer) {
      return amountMinor.longValue();
    }
    try {
      return new BigDecimal(amountMinor.toString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw ApiException.invalid(
          field + " must be a whole number of minor units within int64", INVALID_AMOUNT);
    }
  }

  /** Three upper-case letters that java.util.Currency knows as an ISO-4217 code. */
  public static String requireCurrency(String currency, String field) {
    if (currency == null || currency.isEmpty()) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    if (!CODE.matcher(currency).matches() || !isKnown(currency)) {
      throw ApiException.invalid(field + " is not an ISO-4217 currency code", INVALID_CURRENCY);
    }
    return currency;
  }

  private static boolean isKnown(String code) {
    try {
      return Currency.getInstance(code) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
