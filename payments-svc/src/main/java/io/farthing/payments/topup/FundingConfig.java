package io.farthing.payments.topup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every {@code payments.funding.*} key (top-ups), with its default. Documented in payments-svc/README.md. */
@ConfigMapping(prefix = "payments.funding")
public interface FundingConfig {

  /** Which {@link FundingGateway} takes top-ups. Only {@code sandbox} exists in this codebase. */
  @WithDefault("sandbox")
  GatewayKind gateway();

  /**
   * How long a top-up waits for the gateway's answer. A later answer is not lost: the top-up is
   * answered 202 PENDING and the reconciler settles it from the gateway's record.
   */
  @WithDefault("5s")
  Duration timeout();

  /** Deadline of each look-up, cancel or refund call the reconciler makes. */
  @WithDefault("5s")
  Duration lookupTimeout();

  /** How often each replica looks for PENDING (and REVERSING) top-ups to settle (at least 1s). */
  @WithDefault("5s")
  Duration reconcileInterval();

  /** At most this many top-ups are looked at per replica and round. */
  @WithDefault("50")
  int reconcileBatch();

  /**
   * How long after one look-up the same top-up is looked up again; also how long a replica holds
   * the top-ups it took for one round before another replica may take them.
   */
  @WithDefault("30s")
  Duration recheckAfter();

  /**
   * A top-up the gateway still has not decided after this long is cancelled at the gateway (so it
   * can never be approved afterwards) and FAILED with GATEWAY_TIMEOUT.
   */
  @WithDefault("PT24H")
  Duration giveUpAfter();

  Sandbox sandbox();

  interface Sandbox {
    /** How long the sandbox takes to answer an ordinary authorization. */
    @WithDefault("20ms")
    Duration latency();

    /** When the sandbox decides {@code tok_sandbox_late} (approved): meant to be past {@code timeout}. */
    @WithDefault("10s")
    Duration lateAnswerAfter();
  }

  enum GatewayKind {
    SANDBOX
  }
}
