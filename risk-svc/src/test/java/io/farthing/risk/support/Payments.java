package io.farthing.risk.support;

import com.google.protobuf.Timestamp;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.type.v1.Money;
import java.time.Instant;
import java.util.UUID;

/** Builders of Score requests: an ordinary small in-app payment unless told otherwise. */
public final class Payments {
  private Payments() {}

  public static ScoreRequest.Builder aPayment(UUID user) {
    return ScoreRequest.newBuilder()
        .setRequestId("req-" + UUID.randomUUID())
        .setUserId(user.toString())
        .setWalletId("wal-" + user)
        .setMerchantId("mer-familiar")
        .setMerchantCategory("news")
        .setAmount(eur(150))
        .setChannel(Channel.CHANNEL_IN_APP)
        .setDeviceId("dev-" + user)
        .setDeviceKnown(true)
        .setIp("192.0.2.10")
        .setCountry("FR")
        .setKycTier(1)
        .setSecurityLevel("STANDARD");
  }

  public static ScoreRequest.Builder aTopUp(UUID user, long amountMinor) {
    return aPayment(user)
        .clearMerchantId()
        .setMerchantCategory("")
        .setChannel(Channel.CHANNEL_TOP_UP)
        .setAmount(eur(amountMinor));
  }

  public static Money eur(long amountMinor) {
    return Money.newBuilder().setAmountMinor(amountMinor).setCurrency("EUR").build();
  }

  public static Timestamp at(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
