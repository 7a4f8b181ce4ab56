package io.farthing.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How decisions are written: group commits of many decisions per statement. */
@ConfigMapping(prefix = "risk.decisions")
public interface DecisionsConfig {

  /** Most decisions in one insert. */
  @WithDefault("500")
  int batchMax();

  /** Inserts in flight at once per replica (the next batch fills while one commits). */
  @WithDefault("2")
  int maxInFlight();

  /** Bound on decisions waiting to be written; past it Score answers UNAVAILABLE (OVERLOADED). */
  @WithDefault("20000")
  int maxPending();

  /**
   * How long a Score waits for its decision to be stored before answering anyway (the write goes
   * on; the answer is then counted in risk.decisions.unconfirmed).
   */
  @WithDefault("250ms")
  Duration storeTimeout();

  /**
   * Commit decision batches without waiting for the WAL flush (synchronous_commit = off for those
   * transactions only): a crash of PostgreSQL itself may lose the last fraction of a second of
   * decision records, never money. A crash of risk-svc loses none that were answered as stored.
   */
  @WithDefault("true")
  boolean asyncCommit();

  /**
   * A retried request_id whose first decision is still being written is looked up this often,
   * 20 ms apart, before the retry is answered ABORTED (REQUEST_IN_PROGRESS).
   */
  @WithDefault("10")
  int replayLookupAttempts();
}
