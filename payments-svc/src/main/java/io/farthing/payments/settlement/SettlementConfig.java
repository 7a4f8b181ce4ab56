package io.farthing.payments.settlement;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every {@code payments.settlement.*} key (settlement windows and payouts), with its default. */
@ConfigMapping(prefix = "payments.settlement")
public interface SettlementConfig {
  /**
   * A window's length. Windows are aligned to multiples of it since the epoch in UTC, so the
   * default P1D is one UTC day (00:00 to 00:00). At least one second.
   */
  @WithDefault("P1D")
  Duration window();

  /**
   * How often each replica opens missing windows, closes windows whose end has passed and makes
   * due payouts (default 1m; "off" disables the schedule). Read by the scheduler from the property
   * itself; mapped here so the key is known and documented.
   */
  Optional<String> interval();

  /** At most this many windows are opened, closed or paid out per replica and round. */
  @WithDefault("100")
  int batch();

  /** Deadline of each call to the payout gateway; a call that does not answer counts as failed. */
  @WithDefault("10s")
  Duration payoutTimeout();

  /** The wait after a payout's first failure before it is tried again; doubled per failure. */
  @WithDefault("1m")
  Duration retryInitial();

  /** The longest wait between two payout attempts. */
  @WithDefault("1h")
  Duration retryMax();

  /**
   * Reconciliation reports an unsettled merchant entry as missed when it was created this long
   * before a later window closed with a payout and still is in no window: a transaction that
   * commits later than this after it started is not expected (statements are short).
   */
  @WithDefault("10m")
  Duration lateCommitGrace();

  /** Which {@link PayoutGateway} pays merchants. Only {@code sandbox} exists in this codebase. */
  @WithDefault("sandbox")
  GatewayKind gateway();

  enum GatewayKind {
    SANDBOX
  }
}
