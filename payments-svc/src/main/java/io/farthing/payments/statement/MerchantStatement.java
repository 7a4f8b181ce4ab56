package io.farthing.payments.statement;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A merchant's monthly statement in one currency: every capture and refund that moved money on
 * its account, by UTC month. {@code openingBalanceMinor} + net = {@code closingBalanceMinor}, and
 * gross − refunds − fees + other = net, both asserted when built.
 */
public record MerchantStatement(
    String partnerClientId,
    String merchantName,
    String month,
    String currency,
    String timeZone,
    Instant periodStart,
    Instant periodEnd,
    boolean complete,
    long openingBalanceMinor,
    long closingBalanceMinor,
    Totals totals,
    List<ChargeLine> lines) {

  /**
   * @param grossChargedMinor what users paid in captures
   * @param refundsMinor what went back to users (positive)
   * @param feesMinor Farthing's fees, net of fees given back with refunds
   * @param otherMinor movements that are neither (settlement payouts, in a monthly statement)
   * @param netMinor what the merchant's account gained
   */
  public record Totals(
      long grossChargedMinor, long refundsMinor, long feesMinor, long otherMinor, long netMinor, long charges,
      long refunds) {}

  /**
   * One capture (type CHARGE) or refund (type REFUND). Signed from the merchant's side:
   * {@code amountMinor} is what the user paid (negative: got back), {@code feeMinor} the fee taken
   * (negative: given back), {@code netMinor} = amount − fee, what the merchant's account moved.
   */
  public record ChargeLine(
      String type,
      String kind,
      Instant postedAt,
      UUID postingId,
      UUID chargeId,
      UUID refundId,
      long amountMinor,
      long feeMinor,
      long netMinor,
      long balanceAfterMinor,
      String description) {}
}
