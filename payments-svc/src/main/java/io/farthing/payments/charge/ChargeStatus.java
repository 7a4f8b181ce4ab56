package io.farthing.payments.charge;

import io.farthing.common.ApiException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A charge's states and the only transitions allowed between them, written down once. Every
 * change of a charge's status goes through {@link #requireTransition}, and the SQL that applies
 * it is conditional on the status it read, so two replicas cannot both move the same charge.
 *
 * <pre>
 *   (new) ──► REQUIRES_ACTION ──confirm──► AUTHORIZED | SUCCEEDED | FAILED
 *     │              └──expire──► EXPIRED
 *     ├──► AUTHORIZED ──capture──► SUCCEEDED ──refund──► PARTIALLY_REFUNDED ──► REFUNDED
 *     │        ├──void──► VOIDED                  └────────refund─────────────► REFUNDED
 *     │        └──expire──► EXPIRED
 *     ├──► SUCCEEDED
 *     └──► FAILED
 * </pre>
 */
public enum ChargeStatus {
  REQUIRES_ACTION,
  AUTHORIZED,
  SUCCEEDED,
  VOIDED,
  FAILED,
  EXPIRED,
  PARTIALLY_REFUNDED,
  REFUNDED;

  public static final String INVALID_STATE = "CHARGE_INVALID_STATE";

  private static final Map<ChargeStatus, Set<ChargeStatus>> NEXT =
      Map.of(
          REQUIRES_ACTION, EnumSet.of(AUTHORIZED, SUCCEEDED, FAILED, EXPIRED),
          AUTHORIZED, EnumSet.of(SUCCEEDED, VOIDED, EXPIRED),
          SUCCEEDED, EnumSet.of(PARTIALLY_REFUNDED, REFUNDED),
          PARTIALLY_REFUNDED, EnumSet.of(PARTIALLY_REFUNDED, REFUNDED),
          VOIDED, EnumSet.noneOf(ChargeStatus.class),
          FAILED, EnumSet.noneOf(ChargeStatus.class),
          EXPIRED, EnumSet.noneOf(ChargeStatus.class),
          REFUNDED, EnumSet.noneOf(ChargeStatus.class));

  /** States a new charge may start in. */
  public static final Set<ChargeStatus> INITIAL = EnumSet.of(REQUIRES_ACTION, AUTHORIZED, SUCCEEDED, FAILED);

  public boolean canMoveTo(ChargeStatus next) {
    return NEXT.get(this).contains(next);
  }

  public boolean isFinal() {
    return NEXT.get(this).isEmpty();
  }

  /** Refuses a transition the table does not allow, with a reason the partner can act on. */
  public void requireTransition(ChargeStatus next, String action) {
    if (!canMoveTo(next)) {
      throw ApiException.precondition("A " + this + " charge cannot be " + action, INVALID_STATE);
    }
  }
}
