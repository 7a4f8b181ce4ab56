package io.farthing.payments.transfer;

import java.time.Instant;
import java.util.UUID;

/** A transfer as its sender and its recipient see it. */
public record TransferView(
    UUID id, UUID fromUserId, UUID toUserId, String currency, long amountMinor, String note, String status,
    Instant createdAt) {

  public static TransferView of(Transfer t) {
    return new TransferView(
        t.id(), t.senderId(), t.recipientId(), t.currency(), t.amountMinor(), t.note(), t.status(), t.createdAt());
  }
}
