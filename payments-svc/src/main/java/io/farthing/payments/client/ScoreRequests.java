package io.farthing.payments.client;

import io.farthing.payments.charge.ChargeMessages;
import io.farthing.payments.merchant.Merchant;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import java.util.UUID;

/** The risk-svc Score request for money a user pays a merchant in the partner's app. */
public final class ScoreRequests {
  private ScoreRequests() {}

  public static ScoreRequest inApp(
      UUID requestId, UUID userId, Merchant merchant, long amountMinor, String currency, UserStanding user,
      int kycTier, String deviceId) {
    ScoreRequest.Builder request =
        ScoreRequest.newBuilder()
            .setRequestId(requestId.toString())
            .setUserId(userId.toString())
            .setMerchantId(merchant.partnerClientId())
            .setMerchantCategory(merchant.category())
            .setAmount(ChargeMessages.money(amountMinor, currency))
            .setChannel(Channel.CHANNEL_IN_APP)
            .setKycTier(kycTier)
            .setSecurityLevel(user.securityLevel());
    if (deviceId != null) {
      request.setDeviceId(deviceId);
    }
    return request.build();
  }
}
