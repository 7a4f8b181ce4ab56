package io.farthing.payments.statement;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user's monthly statement of one wallet. The month is the user's, in their time zone
 * ({@code periodStart} inclusive, {@code periodEnd} exclusive, both as UTC instants).
 * {@code openingBalanceMinor} + every movement = {@code closingBalanceMinor}, asserted when built;
 * each movement's {@code balanceAfterMinor} runs from the opening balance. {@code complete} is false
 * for the month in progress (its closing balance is the balance now).
 */
public record UserStatement(
    UUID userId,
    String month,
    String currency,
    String timeZone,
    Instant periodStart,
    Instant periodEnd,
    boolean complete,
    long openingBalanceMinor,
    long closingBalanceMinor,
    Totals totals,
    List<Receipt> movements) {

  /** Money in and out (both positive), net (in − out) and how many movements. */
  public record Totals(long moneyInMinor, long moneyOutMinor, long netMinor, long movements) {}
}
