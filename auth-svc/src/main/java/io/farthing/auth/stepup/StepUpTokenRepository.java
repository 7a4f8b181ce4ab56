package io.farthing.auth.stepup;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class StepUpTokenRepository implements PanacheRepositoryBase<StepUpToken, UUID> {

  /** Redeems a token once: 1 for the first redemption, 0 for any later one or an expired one. */
  public Uni<Integer> consume(UUID jti, String purpose, Instant now) {
    return update(
        "consumedAt = ?1 where jti = ?2 and purpose = ?3 and consumedAt is null and expiresAt > ?1",
        now,
        jti,
        purpose);
  }
}
