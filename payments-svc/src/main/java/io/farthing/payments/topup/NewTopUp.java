package io.farthing.payments.topup;

import java.nio.charset.StandardCharsets;

/** A top-up as the person asked for it, validated by the adapter. */
public record NewTopUp(long amountMinor, String currency, String instrument) {

  /** "The same request" for its idempotency key: the validated values, not the raw JSON. */
  byte[][] canonical() {
    return new byte[][] {
      Long.toString(amountMinor).getBytes(StandardCharsets.UTF_8),
      currency.getBytes(StandardCharsets.UTF_8),
      instrument.getBytes(StandardCharsets.UTF_8)
    };
  }
}
