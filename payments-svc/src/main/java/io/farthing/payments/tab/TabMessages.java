package io.farthing.payments.tab;

import static io.farthing.payments.charge.ChargeMessages.money;
import static io.farthing.payments.charge.ChargeMessages.timestamp;

import io.farthing.proto.payments.v1.TabCloseReason;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Tabs and items as farthing.payments.v1 messages and as outbox event data. */
public final class TabMessages {
  private TabMessages() {}

  public static io.farthing.proto.payments.v1.Tab tab(Tab t, List<Tab.Item> items) {
    var message =
        io.farthing.proto.payments.v1.Tab.newBuilder()
            .setTabId(t.id().toString())
            .setPartnerClientId(t.partnerClientId())
            .setUserId(t.userId().toString())
            .setStatus(io.farthing.proto.payments.v1.TabStatus.valueOf("TAB_STATUS_" + t.status().name()))
            .setCap(money(t.capMinor(), t.currency()))
            .setTotal(money(t.totalMinor(), t.currency()))
            .setSettled(money(t.settledMinor(), t.currency()))
            .setSettleThreshold(money(t.thresholdMinor(), t.currency()))
            .setSettlementCount(t.settlementCount())
            .setDescription(t.description())
            .setCreatedAt(timestamp(t.createdAt()))
            .setExpiresAt(timestamp(t.expiresAt()))
            .setKind(io.farthing.proto.payments.v1.TabKind.valueOf("TAB_KIND_" + t.kind().name()))
            .setLastSequence(t.usage().lastSequence())
            .setIncrementCount(t.usage().increments());
    if (t.usage().lastAt() != null) {
      message.setLastUsageAt(timestamp(t.usage().lastAt()));
    }
    if (t.closedAt() != null) {
      message.setClosedAt(timestamp(t.closedAt()));
    }
    if (t.closeReason() != null) {
      message.setCloseReason(TabCloseReason.valueOf("TAB_CLOSE_REASON_" + t.closeReason().name()));
    }
    items.forEach(i -> message.addItems(item(i, t.currency())));
    return message.build();
  }

  public static io.farthing.proto.payments.v1.TabItem item(Tab.Item i, String currency) {
    var message =
        io.farthing.proto.payments.v1.TabItem.newBuilder()
            .setItemId(i.id().toString())
            .setTabId(i.tabId().toString())
            .setAmount(money(i.amountMinor(), currency))
            .setDescription(i.description())
            .setCreatedAt(timestamp(i.createdAt()))
            .setTabTotal(money(i.totalAfterMinor(), currency));
    if (i.chargeId() != null) {
      message.setChargeId(i.chargeId().toString());
    }
    return message.build();
  }

  public static io.farthing.proto.payments.v1.MeterUsageSummary summary(TabMeter.Summary s) {
    return io.farthing.proto.payments.v1.MeterUsageSummary.newBuilder()
        .setTab(tab(s.tab(), List.of()))
        .setCountedIncrements(s.counted())
        .setReplayedIncrements(s.replayed())
        .setCounted(money(s.countedMinor(), s.tab().currency()))
        .build();
  }

  /** What every tab event carries: enough for an alert and a partner's webhook. */
  public static JsonObject event(Tab t, String merchantName) {
    JsonObject data =
        new JsonObject()
            .put("tabId", t.id().toString())
            .put("userId", t.userId().toString())
            .put("partnerClientId", t.partnerClientId())
            .put("status", t.status().name())
            .put("kind", t.kind().name())
            .put("currency", t.currency())
            .put("capMinor", t.capMinor())
            .put("totalMinor", t.totalMinor())
            .put("settledMinor", t.settledMinor())
            .put("settlementCount", t.settlementCount())
            .put("description", t.description())
            .put("expiresAt", t.expiresAt().toString());
    if (t.closeReason() != null) {
      data.put("closeReason", t.closeReason().name());
    }
    if (merchantName != null) {
      data.put("merchantName", merchantName);
    }
    return data;
  }
}
