package io.farthing.payments.ledger;

/** The kinds of ledger account. Only USER_WALLET keeps a cached balance row (table wallets). */
public enum AccountKind {
  USER_WALLET,
  MERCHANT,
  PLATFORM_FEES,
  /** Money coming in from outside (top-ups); its balance is minus everything ever funded. */
  FUNDING,
  /** Money authorized but not yet captured, on the users' behalf. */
  HOLDS,
  /** Payouts owed to merchants: a closed settlement window's net, until the payout gateway pays it. */
  PAYOUTS_PENDING;

  public static final String PLATFORM = "platform";
}
