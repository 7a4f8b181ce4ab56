package io.farthing.payments.transfer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A transfer as the sender asked for it, validated by the adapter (never to themselves). */
public record NewTransfer(UUID toUserId, long amountMinor, String currency, String note) {

  /** "The same request" for its idempotency key: the validated values, not the raw JSON. */
  byte[][] canonical() {
    return new byte[][] {
      toUserId.toString().getBytes(StandardCharsets.UTF_8),
      Long.toString(amountMinor).getBytes(StandardCharsets.UTF_8),
      currency.getBytes(StandardCharsets.UTF_8),
      note.getBytes(StandardCharsets.UTF_8)
    };
  }
}
