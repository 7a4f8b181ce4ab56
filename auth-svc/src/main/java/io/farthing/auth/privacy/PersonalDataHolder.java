package io.farthing.auth.privacy;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Implemented by every feature that keeps data about a user, so export and erasure cover the
 * whole service without a central list that drifts. Both run inside the caller's transaction.
 */
public interface PersonalDataHolder {

  /** The key this feature's data appears under in an export, e.g. "devices". */
  String section();

  /** A JSON-serialisable view of everything this feature holds about the user. */
  Uni<Object> export(UUID userId);

  /**
   * Destroys or makes unreadable this feature's personal data about the user, keeping only what
   * other records must keep (ids referenced by payments, the audit trail's shape).
   */
  Uni<Void> erase(UUID userId);
}
