package io.farthing.payments.statement;

import java.time.Instant;
import java.util.UUID;

/**
 * The receipt of one movement on one of the user's wallets.
 *
 * @param kind the posting's kind: CHARGE_CAPTURE, CHARGE_AUTHORIZE (money held), HOLD_CAPTURE,
 *     HOLD_RELEASE, REFUND, TOP_UP, TRANSFER, ...
 * @param amountMinor signed: negative when money left the wallet
 * @param direction OUT or IN
 * @param balanceAfterMinor the wallet's balance right after this movement
 * @param feeMinor for a charge or refund: the part of the amount that went to Farthing as the fee
 *     (the merchant pays it out of the amount; negative on a refund: the fee given back); null
 *     otherwise
 * @param referenceId what the posting belongs to (a charge, refund, top-up or transfer id)
 */
public record Receipt(
    UUID postingId,
    String kind,
    Instant createdAt,
    UUID walletId,
    String currency,
    long amountMinor,
    String direction,
    Long balanceAfterMinor,
    Long feeMinor,
    Counterparty counterparty,
    UUID chargeId,
    UUID refundId,
    UUID referenceId,
    String description) {

  /**
   * Who is on the other side: MERCHANT (id = partner client id, name = merchant name), USER (id =
   * the other user), FUNDING (money from outside: a top-up) or PLATFORM.
   */
  public record Counterparty(String type, String id, String name) {}

  static Receipt of(Line line, Long balanceAfterMinor) {
    return new Receipt(
        line.postingId(),
        line.postingKind(),
        line.createdAt(),
        line.accountId(),
        line.currency(),
        line.amountMinor(),
        line.amountMinor() < 0 ? "OUT" : "IN",
        balanceAfterMinor,
        line.chargeId() == null ? null : line.feeMinor(),
        counterparty(line),
        line.chargeId(),
        line.refundId(),
        line.refId(),
        line.description());
  }

  static Receipt of(Line line) {
    return of(line, line.balanceAfterMinor());
  }

  private static Counterparty counterparty(Line line) {
    if (line.partnerClientId() != null) {
      return new Counterparty("MERCHANT", line.partnerClientId(), line.merchantName());
    }
    if (line.counterpartyKind() == null) {
      return null;
    }
    return switch (line.counterpartyKind()) {
      case "FUNDING" -> new Counterparty("FUNDING", null, null);
      case "USER_WALLET" -> new Counterparty("USER", line.counterpartyOwner(), null);
      default -> new Counterparty("PLATFORM", null, null);
    };
  }
}
