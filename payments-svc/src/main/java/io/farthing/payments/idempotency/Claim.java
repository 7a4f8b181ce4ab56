package io.farthing.payments.idempotency;

import java.util.UUID;

/** The result of claiming an idempotency key. */
public sealed interface Claim {
  String caller();

  String key();

  /** This attempt owns the key until its lease ends; complete or release it. */
  record Fresh(String caller, String key, UUID leaseToken) implements Claim {}

  /** The key was used before for the same request: answer exactly this again. */
  record Replay(String caller, String key, StoredOutcome outcome) implements Claim {}
}
