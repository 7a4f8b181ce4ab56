package io.farthing.payments.dispute;

import io.farthing.common.ApiException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A dispute's states and the only transitions between them, written down once. WON and LOST are
 * the merchant's outcome (as risk-svc's OUTCOME_DISPUTE_WON / _LOST): WON, the merchant keeps the
 * money; LOST, the disputed amount still refundable goes back to the user.
 *
 * <pre>
 *   (new) ──► OPEN ──merchant evidence──► UNDER_REVIEW ──support──► WON | LOST
 *   (new) ──► LOST (below the instant-refund amount)
 *             OPEN ──merchant accepts, evidence overdue, support──► LOST;  support ──► WON
 * </pre>
 *
 * Every change is made under the dispute's row lock and checked against this table, so a support
 * decision racing the merchant's acceptance or the evidence janitor resolves it once.
 */
public enum DisputeStatus {
  OPEN,
  UNDER_REVIEW,
  WON,
  LOST;

  public static final String DISPUTE_RESOLVED = "DISPUTE_RESOLVED";

  private static final Map<DisputeStatus, Set<DisputeStatus>> NEXT =
      Map.of(
          OPEN, EnumSet.of(UNDER_REVIEW, WON, LOST),
          UNDER_REVIEW, EnumSet.of(UNDER_REVIEW, WON, LOST),
          WON, EnumSet.noneOf(DisputeStatus.class),
          LOST, EnumSet.noneOf(DisputeStatus.class));

  public boolean resolved() {
    return this == WON || this == LOST;
  }

  public boolean canMoveTo(DisputeStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** Refuses a transition the table does not allow. */
  public void requireTransition(DisputeStatus next) {
    if (!canMoveTo(next)) {
      throw ApiException.precondition("The dispute is " + this + "; it is already decided", DISPUTE_RESOLVED);
    }
  }

  /** Why the user disputes the charge. */
  public enum Reason {
    NOT_RECEIVED,
    NOT_AS_DESCRIBED,
    UNAUTHORIZED,
    DUPLICATE,
    OTHER
  }

  /** How a dispute was decided. */
  public enum Resolution {
    /** Below payments.disputes.instant-refund-below: refunded when opened, no review. */
    INSTANT_REFUND,
    /** The merchant accepted the dispute (AcceptDispute). */
    MERCHANT_ACCEPTED,
    /** The merchant sent no evidence by evidence_due_at. */
    NO_EVIDENCE,
    /** Support decided after review. */
    REVIEWED
  }
}
