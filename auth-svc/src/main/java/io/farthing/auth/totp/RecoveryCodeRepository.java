package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class RecoveryCodeRepository implements PanacheRepositoryBase<RecoveryCode, UUID> {

  /** Spends an unused code in one conditional statement, so it works exactly once. */
  public Uni<Boolean> spend(UUID userId, String codeHash, Instant now) {
    return update(
            "usedAt = ?1 where userId = ?2 and codeHash = ?3 and usedAt is null",
            now,
            userId,
            codeHash)
        .map(rows -> rows == 1);
  }

  public Uni<Long> countUnused(UUID userId) {
    return count("userId = ?1 and usedAt is null", userId);
  }

  public Uni<Long> deleteForUser(UUID userId) {
    return delete("userId", userId);
  }
}
