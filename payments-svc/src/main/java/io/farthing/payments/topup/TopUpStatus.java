package io.farthing.payments.topup;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A top-up's states and the only transitions between them, written down once; {@link
 * TopUpService} moves a top-up only through {@link #requireTransition}, on a locked row.
 *
 * <pre>
 *   (new) ──► PENDING ──approved, credited──► SUCCEEDED
 *     │          ├──declined / cancelled──► FAILED
 *     │          └──approved, wallet maximum passed──► REVERSING ──refunded──► REVERSED
 *     └──► FAILED (refused by risk checks before the gateway was asked)
 * </pre>
 */
public enum TopUpStatus {
  PENDING,
  SUCCEEDED,
  FAILED,
  /** Approved by the gateway but not creditable: the money is being given back to the instrument. */
  REVERSING,
  REVERSED;

  private static final Map<TopUpStatus, Set<TopUpStatus>> NEXT =
      Map.of(
          PENDING, EnumSet.of(SUCCEEDED, FAILED, REVERSING),
          REVERSING, EnumSet.of(REVERSED),
          SUCCEEDED, EnumSet.noneOf(TopUpStatus.class),
          FAILED, EnumSet.noneOf(TopUpStatus.class),
          REVERSED, EnumSet.noneOf(TopUpStatus.class));

  public boolean canMoveTo(TopUpStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** A violated transition is a bug, not a refusal: fail loudly (the transaction rolls back). */
  public void requireTransition(TopUpStatus next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("a " + this + " top-up cannot become " + next);
    }
  }
}
