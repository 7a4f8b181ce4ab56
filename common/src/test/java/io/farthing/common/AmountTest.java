package io.farthing.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AmountTest {

  @Test
  void acceptsWholeMinorUnitsInAKnownCurrency() {
    assertEquals(new Amount(1, "EUR"), Amount.positive(1L, "EUR", "amount"));
    assertEquals(new Amount(Long.MAX_VALUE, "JPY"),
        Amount.positive(new BigDecimal(Long.MAX_VALUE), "JPY", "amount"));
    assertEquals(new Amount(0, "USD"), Amount.nonNegative(BigDecimal.ZERO, "USD", "threshold"));
    assertEquals(new Amount(500, "EUR"), Amount.positive(new BigDecimal("500.00"), "EUR", "amount"));
  }

  @Test
  void refusesZeroOrNegativeWhereAPositiveAmountIsNeeded() {
    assertReason("INVALID_AMOUNT", () -> Amount.positive(0L, "EUR", "amount"));
    assertReason("INVALID_AMOUNT", () -> Amount.positive(-1L, "EUR", "amount"));
    assertReason("INVALID_AMOUNT", () -> Amount.nonNegative(-1L, "EUR", "threshold"));
  }

  @Test
  void refusesFractionsAndValuesBeyondInt64InsteadOfRoundingThem() {
    assertReason("INVALID_AMOUNT", () -> Amount.positive(new BigDecimal("1.5"), "EUR", "amount"));
    assertReason("INVALID_AMOUNT", () -> Amount.positive(new BigDecimal("9223372036854775808"), "EUR", "a"));
    assertReason("INVALID_AMOUNT", () -> Amount.positive(1.0e30, "EUR", "amount"));
  }

  @Test
  void refusesCodesThatAreNotUpperCaseIso4217() {
    for (String code : new String[] {"eur", "EURO", "E1R", "ZZZ", " EUR"}) {
      assertReason("INVALID_CURRENCY", () -> Amount.positive(1L, code, "amount"));
    }
    assertReason("MISSING_FIELD", () -> Amount.positive(1L, null, "amount"));
    assertReason("MISSING_FIELD", () -> Amount.positive(null, "EUR", "amount"));
  }

  private static void assertReason(String reason, Runnable call) {
    ApiException failure = assertThrows(ApiException.class, call::run);
    assertEquals(reason, failure.reason());
    assertEquals(ApiException.Kind.INVALID, failure.kind());
  }
}
