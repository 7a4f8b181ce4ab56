package io.farthing.payments.topup;

import io.farthing.common.ApiException;
import java.util.UUID;

/** 422 TOPUP_DECLINED: the gateway refused the instrument; the problem body names the top-up and the code. */
public final class TopUpDeclined extends ApiException {
  private final UUID topUpId;
  private final String declineCode;

  public TopUpDeclined(UUID topUpId, String declineCode) {
    super(Kind.PRECONDITION, TopUp.DECLINED, "The payment instrument was declined (" + declineCode + ")");
    this.topUpId = topUpId;
    this.declineCode = declineCode;
  }

  public UUID topUpId() {
    return topUpId;
  }

  public String declineCode() {
    return declineCode;
  }
}
