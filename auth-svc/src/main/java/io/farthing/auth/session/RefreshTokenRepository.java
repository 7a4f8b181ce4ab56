package io.farthing.auth.session;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

  public Uni<RefreshToken> findByHash(String tokenHash) {
    return find("tokenHash", tokenHash).firstResult();
  }

  /**
   * Spends a live token in one conditional statement: of two concurrent uses exactly one gets 1,
   * the other 0 and is treated as reuse.
   */
  public Uni<Integer> spend(String tokenHash, Instant now) {
    return update(
        "usedAt = ?1 where tokenHash = ?2 and usedAt is null and revokedAt is null and expiresAt > ?1",
        now,
        tokenHash);
  }

  public Uni<Integer> revokeFamily(UUID familyId, Instant now) {
    return update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", now, familyId);
  }

  public Uni<Integer> revokeAllForUser(UUID userId, Instant now) {
    return update("revokedAt = ?1 where userId = ?2 and revokedAt is null", now, userId);
  }
}
