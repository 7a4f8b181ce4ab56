package io.farthing.payments.dispute;

import static io.farthing.payments.charge.ChargeMessages.money;
import static io.farthing.payments.charge.ChargeMessages.timestamp;

import io.farthing.proto.payments.v1.DisputeEvidence;
import io.farthing.proto.payments.v1.DisputeReason;
import io.farthing.proto.payments.v1.DisputeResolution;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Disputes as farthing.payments.v1 messages and as outbox event data. */
public final class DisputeMessages {
  private DisputeMessages() {}

  public static io.farthing.proto.payments.v1.Dispute dispute(Dispute d, List<Dispute.Evidence> evidence) {
    var message =
        io.farthing.proto.payments.v1.Dispute.newBuilder()
            .setDisputeId(d.id().toString())
            .setChargeId(d.chargeId().toString())
            .setUserId(d.userId().toString())
            .setStatus(io.farthing.proto.payments.v1.DisputeStatus.valueOf("DISPUTE_STATUS_" + d.status().name()))
            .setReason(DisputeReason.valueOf("DISPUTE_REASON_" + d.reason().name()))
            .setUserNote(d.userNote())
            .setAmount(money(d.amountMinor(), d.currency()))
            .setRefunded(money(d.refundedMinor(), d.currency()))
            .setResolutionNote(d.resolutionNote())
            .setEvidenceDueAt(timestamp(d.evidenceDueAt()))
            .setCreatedAt(timestamp(d.createdAt()));
    if (d.resolution() != null) {
      message.setResolution(DisputeResolution.valueOf("DISPUTE_RESOLUTION_" + d.resolution().name()));
    }
    if (d.resolvedAt() != null) {
      message.setResolvedAt(timestamp(d.resolvedAt()));
    }
    evidence.forEach(
        e ->
            message.addEvidence(
                DisputeEvidence.newBuilder()
                    .setSummary(e.summary())
                    .addAllRefs(e.refs())
                    .setCreatedAt(timestamp(e.createdAt()))));
    return message.build();
  }

  /** What every dispute event carries: the dispute's whole state, enough for an alert and a webhook. */
  public static JsonObject event(Dispute d, String merchantName) {
    JsonObject data =
        new JsonObject()
            .put("disputeId", d.id().toString())
            .put("chargeId", d.chargeId().toString())
            .put("userId", d.userId().toString())
            .put("partnerClientId", d.partnerClientId())
            .put("status", d.status().name())
            .put("reason", d.reason().name())
            .put("currency", d.currency())
            .put("amountMinor", d.amountMinor())
            .put("refundedMinor", d.refundedMinor())
            .put("evidenceDueAt", d.evidenceDueAt().toString());
    if (d.resolution() != null) {
      data.put("resolution", d.resolution().name());
    }
    if (merchantName != null) {
      data.put("merchantName", merchantName);
    }
    return data;
  }
}
