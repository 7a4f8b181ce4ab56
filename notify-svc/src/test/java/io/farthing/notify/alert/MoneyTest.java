package io.farthing.notify.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MoneyTest {
  @Test
  void shiftsMinorUnitsByTheCurrencysFractionDigitsWithoutRounding() {
    assertEquals("€1.20", Money.format(120, "EUR"));
    assertEquals("€0.03", Money.format(3, "EUR"));
    assertEquals("€0.00", Money.format(0, "EUR"));
    assertEquals("€1,234,567.89", Money.format(123_456_789, "EUR"));
    assertEquals("¥120", Money.format(120, "JPY"));
    assertEquals("BHD 1.234", Money.format(1234, "BHD"));
    assertEquals("CHF 5.00", Money.format(500, "CHF"));
    assertEquals("-$2.50", Money.format(-250, "USD"));
    assertEquals("€92,233,720,368,547,758.07", Money.format(Long.MAX_VALUE, "EUR"), "no double anywhere");
  }
}
