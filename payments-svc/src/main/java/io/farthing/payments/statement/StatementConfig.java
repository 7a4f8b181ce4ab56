package io.farthing.payments.statement;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code payments.statements.*}: monthly statements for users and merchants. */
@ConfigMapping(prefix = "payments.statements")
public interface StatementConfig {
  /**
   * A statement lists at most this many movements; a month with more is refused with
   * STATEMENT_TOO_LARGE rather than answered in part.
   */
  @WithDefault("10000")
  int maxLines();
}
