package io.farthing.notify.support;

import io.farthing.common.Ids;
import io.farthing.proto.notify.v1.Event;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Events for the alert tests, shaped as payments-svc and auth-svc publish them. */
public final class AlertEvents {
  private AlertEvents() {}

  /** A builder for a charge.succeeded event in EUR cents. */
  public static Charge aCharge(UUID user) {
    return new Charge(user);
  }

  public static final class Charge {
    private final UUID user;
    private final UUID chargeId = Ids.newId();
    private String type = "charge.succeeded";
    private String partner = "shop-" + UUID.randomUUID();
    private String merchantName;
    private long amountMinor = 120;
    private long feeMinor = 3;
    private Long dailyCapRemainingMinor;
    private String currency = "EUR";

    private Charge(UUID user) {
      this.user = user;
    }

    public Charge type(String type) {
      this.type = type;
      return this;
    }

    public Charge partner(String partner) {
      this.partner = partner;
      return this;
    }

    public Charge merchant(String name) {
      this.merchantName = name;
      return this;
    }

    public Charge amount(long amountMinor, String currency) {
      this.amountMinor = amountMinor;
      this.currency = currency;
      return this;
    }

    public Charge fee(long feeMinor) {
      this.feeMinor = feeMinor;
      return this;
    }

    public Charge dailyCapRemaining(long minor) {
      this.dailyCapRemainingMinor = minor;
      return this;
    }

    public Event build() {
      JsonObject data =
          new JsonObject()
              .put("chargeId", chargeId.toString())
              .put("userId", user.toString())
              .put("partnerClientId", partner)
              .put("status", "SUCCEEDED")
              .put("currency", currency)
              .put("amountMinor", amountMinor)
              .put("capturedMinor", amountMinor)
              .put("refundedMinor", 0)
              .put("feeMinor", feeMinor)
              .put("netMinor", amountMinor - feeMinor)
              .put("description", "Article");
      if (merchantName != null) {
        data.put("merchantName", merchantName);
      }
      if (dailyCapRemainingMinor != null) {
        data.put("dailyCapRemainingMinor", dailyCapRemainingMinor);
      }
      return Events.event(type, user, partner, "charge:" + chargeId, 1, data);
    }
  }

  /** A security.new_device event from auth-svc, carrying the account's email when given. */
  public static Event newDevice(UUID user, String accountEmail) {
    JsonObject data = new JsonObject().put("userId", user.toString()).put("deviceName", "Pixel 9");
    if (accountEmail != null) {
      data.put("email", accountEmail);
    }
    return Events.event("security.new_device", user, null, "user:" + user, 1, data);
  }

  public static Event transferReceived(UUID user, long amountMinor) {
    JsonObject data =
        new JsonObject()
            .put("transferId", Ids.newId().toString())
            .put("fromUserId", Ids.newId().toString())
            .put("toUserId", user.toString())
            .put("currency", "EUR")
            .put("amountMinor", amountMinor)
            .put("note", "Lunch");
    return Events.event("transfer.received", user, null, "transfer:" + Ids.newId(), 1, data);
  }
}
