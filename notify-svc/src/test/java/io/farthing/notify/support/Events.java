package io.farthing.notify.support;

import com.google.protobuf.Timestamp;
import io.farthing.common.Ids;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Events as payments-svc's outbox relay publishes them, for tests to arrange their own data. */
public final class Events {
  private Events() {}

  /** A publisher's token: the scope payments-svc's and auth-svc's service clients hold. */
  public static NotifyGrpc.NotifyBlockingStub asPublisher(NotifyGrpc.NotifyBlockingStub notify) {
    return Grpc.withToken(notify, TestTokens.client("payments-svc", "notify:publish"));
  }

  /** A charge.succeeded event for {@code user} at {@code partner}, amounts in EUR cents. */
  public static Event chargeSucceeded(UUID user, String partner, long amountMinor, long feeMinor) {
    UUID charge = Ids.newId();
    JsonObject data =
        new JsonObject()
            .put("chargeId", charge.toString())
            .put("userId", user.toString())
            .put("partnerClientId", partner)
            .put("status", "SUCCEEDED")
            .put("currency", "EUR")
            .put("amountMinor", amountMinor)
            .put("capturedMinor", amountMinor)
            .put("refundedMinor", 0)
            .put("feeMinor", feeMinor)
            .put("netMinor", amountMinor - feeMinor)
            .put("description", "Article");
    return event("charge.succeeded", user, partner, "charge:" + charge, 1, data);
  }

  public static Event event(String type, UUID user, String partner, String orderingKey, long sequence, JsonObject data) {
    Instant now = Instant.now();
    Event.Builder event =
        Event.newBuilder()
            .setEventId(Ids.newId().toString())
            .setType(type)
            .setOrderingKey(orderingKey)
            .setSequence(sequence)
            .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .setDataJson(data.encode());
    if (user != null) {
      event.setUserId(user.toString());
    }
    if (partner != null) {
      event.setPartnerClientId(partner);
    }
    return event.build();
  }

  public static PublishRequest publishing(Event event) {
    return PublishRequest.newBuilder().setEvent(event).build();
  }
}
