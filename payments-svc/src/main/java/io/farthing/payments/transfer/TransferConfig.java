package io.farthing.payments.transfer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code payments.transfers.*} key, with its default. Documented in payments-svc/README.md. */
@ConfigMapping(prefix = "payments.transfers")
public interface TransferConfig {

  /** The longest note a sender may attach to a transfer (characters). */
  @WithDefault("140")
  int maxNoteLength();
}
