package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class TotpCredentialRepository implements PanacheRepositoryBase<TotpCredential, UUID> {

  public Uni<Boolean> isEnabled(UUID userId) {
    return count("userId = ?1 and status = ?2", userId, TotpCredential.Status.ENABLED)
        .map(count -> count > 0);
  }

  /**
   * Records an accepted step in one conditional statement: of two concurrent uses of the same
   * code exactly one gets 1, and a code at or before the last accepted step always gets 0.
   */
  public Uni<Boolean> acceptStep(UUID userId, long step) {
    return update(
            "lastUsedStep = ?1 where userId = ?2 and status = ?3"
                + " and (lastUsedStep is null or lastUsedStep < ?1)",
            step,
            userId,
            TotpCredential.Status.ENABLED)
        .map(rows -> rows == 1);
  }

  public Uni<Long> deleteForUser(UUID userId) {
    return delete("userId", userId);
  }
}
