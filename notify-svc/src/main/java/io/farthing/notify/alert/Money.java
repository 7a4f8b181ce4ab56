package io.farthing.notify.alert;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

/**
 * Amounts in alert texts: int64 minor units shifted by the currency's fraction digits with
 * BigDecimal (never a double), so 120 EUR reads "€1.20" and 120 JPY "¥120".
 */
public final class Money {
  private static final Map<String, String> SYMBOLS =
      Map.of("EUR", "€", "USD", "$", "GBP", "£", "JPY", "¥", "INR", "₹");

  private Money() {}

  public static String format(long amountMinor, String currency) {
    int digits = fractionDigits(currency);
    BigDecimal amount = BigDecimal.valueOf(amountMinor).movePointLeft(digits).setScale(digits);
    DecimalFormat pattern =
        new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits), DecimalFormatSymbols.getInstance(Locale.ROOT));
    pattern.setParseBigDecimal(true);
    String number = pattern.format(amount.abs());
    String sign = amount.signum() < 0 ? "-" : "";
    String symbol = SYMBOLS.get(currency);
    return symbol != null ? sign + symbol + number : sign + currency + " " + number;
  }

  static int fractionDigits(String currency) {
    try {
      int digits = Currency.getInstance(currency).getDefaultFractionDigits();
      return Math.max(digits, 0);
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return 2;
    }
  }
}
