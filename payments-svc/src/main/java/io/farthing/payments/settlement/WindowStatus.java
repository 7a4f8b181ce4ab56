package io.farthing.payments.settlement;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A settlement window's states and the only transitions allowed, written down once. The SQL that
 * applies a transition is conditional on the status it leaves, so two replicas never both move
 * the same window.
 *
 * <pre>
 *   (new) ──► OPEN ──close──► CLOSED ──payout made──► SETTLED
 *               └──close, net ≤ 0 (nothing to pay, carried)──► SETTLED
 * </pre>
 *
 * A failed payout leaves the window CLOSED with a reason; it is retried.
 */
public enum WindowStatus {
  OPEN,
  CLOSED,
  SETTLED;

  private static final Map<WindowStatus, Set<WindowStatus>> NEXT =
      Map.of(
          OPEN, EnumSet.of(CLOSED, SETTLED),
          CLOSED, EnumSet.of(SETTLED),
          SETTLED, EnumSet.noneOf(WindowStatus.class));

  public boolean canMoveTo(WindowStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** A violated transition is a bug, not a caller's mistake: fail loudly. */
  public void requireTransition(WindowStatus next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("a " + this + " settlement window cannot become " + next);
    }
  }
}
