package io.farthing.payments.tab;

import io.farthing.common.ApiException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A tab's states and the only transitions between them, written down once.
 *
 * <pre>
 *   (new) ──► OPEN ──settle (threshold; items tabs)──► OPEN
 *               └──close (user, partner, time limit; metered: completed, dropped, idle,
 *                         budget exceeded)──► CLOSED
 * </pre>
 *
 * Every SQL statement that changes a tab is conditional on {@code status = 'OPEN'}, so a close and
 * an add (or two closes, or a close and the janitor, on any replicas) cannot both win.
 */
public enum TabStatus {
  OPEN,
  CLOSED;

  public static final String TAB_CLOSED = "TAB_CLOSED";

  private static final Map<TabStatus, Set<TabStatus>> NEXT =
      Map.of(OPEN, EnumSet.of(OPEN, CLOSED), CLOSED, EnumSet.noneOf(TabStatus.class));

  public boolean canMoveTo(TabStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** Refuses a transition the table does not allow. */
  public void requireTransition(TabStatus next) {
    if (!canMoveTo(next)) {
      throw ApiException.precondition("The tab is " + this + "; nothing more can happen to it", TAB_CLOSED);
    }
  }

  /** Why a tab was closed. */
  public enum CloseReason {
    USER,
    PARTNER,
    TIME_LIMIT,
    /** Metered: the partner half-closed its stream. */
    COMPLETED,
    /** Metered: the stream broke (cancelled, disconnected, or a bad message). */
    DROPPED,
    /** Metered: no usage for payments.tabs.meter-idle-timeout. */
    IDLE,
    /** Metered: an increment would have gone past the budget. */
    BUDGET_EXCEEDED
  }
}
