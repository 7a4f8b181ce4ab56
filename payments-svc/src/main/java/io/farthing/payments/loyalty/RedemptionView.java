package io.farthing.payments.loyalty;

import java.time.Instant;

/** A redemption as the user sees it (REST): the points spent and where the credit went. */
public record RedemptionView(
    String id,
    String walletId,
    String currency,
    long amountMinor,
    Long pointsRemainingMinor,
    Long walletBalanceMinor,
    Instant createdAt) {

  /** Right after redeeming: with the points left and the wallet's new balance. */
  static RedemptionView of(Redemption r, long pointsRemainingMinor, long walletBalanceMinor) {
    return new RedemptionView(
        r.id().toString(), r.walletId().toString(), r.currency(), r.amountMinor(), pointsRemainingMinor,
        walletBalanceMinor, r.createdAt());
  }

  /** Looked up later: the balances then are not part of the redemption. */
  public static RedemptionView of(Redemption r) {
    return new RedemptionView(
        r.id().toString(), r.walletId().toString(), r.currency(), r.amountMinor(), null, null, r.createdAt());
  }
}
