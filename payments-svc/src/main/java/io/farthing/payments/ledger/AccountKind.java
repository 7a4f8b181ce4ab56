package io.farthing.payments.ledger;

/** The kinds of ledger account. Only USER_WALLET (table wallets) and LOYALTY (table
 * loyalty_balances) keep a cached balance row. */
public enum AccountKind {
  USER_WALLET,
  MERCHANT,
  PLATFORM_FEES,
  /** Money coming in from outside (top-ups); its balance is minus everything ever funded. */
  FUNDING,
  /** Money authorized but not yet captured, on the users' behalf. */
  HOLDS,
  /** Payouts owed to merchants: a closed settlement window's net, until the payout gateway pays it. */
  PAYOUTS_PENDING,
  /** Loyalty points the platform owes one user (owner = user id); cached in loyalty_balances. */
  LOYALTY,
  /** The loyalty programme's cost: minus every point issued, net of clawbacks. */
  LOYALTY_FUNDING;

  public static final String PLATFORM = "platform";
}
