package io.farthing.payments.charge;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
import org.junit.jupiter.api.Test;

class ChargeStatusTest {
  @Test
  void finalStatesGoNowhere() {
    for (ChargeStatus status : ChargeStatus.values()) {
      if (status.isFinal()) {
        for (ChargeStatus next : ChargeStatus.values()) {
          assertFalse(status.canMoveTo(next), status + " → " + next);
        }
      }
    }
    assertTrue(ChargeStatus.VOIDED.isFinal());
    assertTrue(ChargeStatus.REFUNDED.isFinal());
  }

  @Test
  void onlyAuthorizedChargesAreCapturedOrVoided() {
    assertDoesNotThrow(() -> ChargeStatus.AUTHORIZED.requireTransition(ChargeStatus.VOIDED, "voided"));
    ApiException e =
        assertThrows(ApiException.class, () -> ChargeStatus.SUCCEEDED.requireTransition(ChargeStatus.VOIDED, "voided"));
    assertTrue(e.reason().equals(ChargeStatus.INVALID_STATE));
    assertFalse(ChargeStatus.REQUIRES_ACTION.canMoveTo(ChargeStatus.VOIDED));
  }

  @Test
  void refundsFollowCapture() {
    assertTrue(ChargeStatus.SUCCEEDED.canMoveTo(ChargeStatus.PARTIALLY_REFUNDED));
    assertTrue(ChargeStatus.PARTIALLY_REFUNDED.canMoveTo(ChargeStatus.REFUNDED));
    assertFalse(ChargeStatus.AUTHORIZED.canMoveTo(ChargeStatus.REFUNDED));
  }
}
