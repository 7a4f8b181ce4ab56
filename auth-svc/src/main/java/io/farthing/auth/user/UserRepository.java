package io.farthing.auth.user;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

  public Uni<User> findByEmailIndex(String emailIndex) {
    return find("emailIndex", emailIndex).firstResult();
  }

  /** Locks the account until {@code until}; never shortens a longer lock already in place. */
  public Uni<Integer> lockUntil(UUID userId, Instant until) {
    return update(
        "lockedUntil = ?1, updatedAt = ?2 where id = ?3 and (lockedUntil is null or lockedUntil < ?1)",
        until,
        Instant.now(),
        userId);
  }
}
