package io.farthing.risk.decision;

/**
 * What became of a decided payment, reported later by payments-svc or an operator. "Dispute
 * won" and "lost" are the merchant's side: a lost dispute means the user's claim was upheld.
 */
public enum Outcome {
  FRAUD,
  LEGITIMATE,
  DISPUTE_WON,
  DISPUTE_LOST,
  REFUNDED;

  /** The label the model learns from, or null when the outcome says nothing about fraud. */
  public Boolean fraudLabel() {
    return switch (this) {
      case FRAUD, DISPUTE_LOST -> Boolean.TRUE;
      case LEGITIMATE, DISPUTE_WON -> Boolean.FALSE;
      case REFUNDED -> null;
    };
  }

  public boolean isDispute() {
    return this == DISPUTE_WON || this == DISPUTE_LOST;
  }
}
