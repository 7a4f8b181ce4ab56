package io.farthing.payments.transfer;

import java.time.Instant;
import java.util.UUID;

/** Money sent from one person's wallet to another's. Only transfers whose money moved exist. */
public record Transfer(
    UUID id,
    UUID senderId,
    UUID recipientId,
    UUID senderWalletId,
    UUID recipientWalletId,
    String currency,
    long amountMinor,
    String note,
    String status,
    String decisionId,
    Instant createdAt) {

  public static final String SUCCEEDED = "SUCCEEDED";

  public boolean involves(UUID userId) {
    return senderId.equals(userId) || recipientId.equals(userId);
  }
}
