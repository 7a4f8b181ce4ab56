package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class MfaTicketRepository implements PanacheRepositoryBase<MfaTicket, UUID> {

  /**
   * The unspent, unexpired ticket with this hash, locked for the rest of the transaction so two
   * concurrent answers to one ticket are decided one after the other.
   */
  public Uni<MfaTicket> findLiveForUpdate(String tokenHash, Instant now) {
    return find("tokenHash = ?1 and usedAt is null and expiresAt > ?2", tokenHash, now)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResult();
  }

  public Uni<Long> deleteForUser(UUID userId) {
    return delete("userId", userId);
  }

}
