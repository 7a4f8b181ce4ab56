package io.farthing.auth.user;

import io.farthing.common.ApiException;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.persistence.LockModeType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

  /** The user if it exists and is not erased; NOT_FOUND (USER_NOT_FOUND) otherwise. */
  public Uni<User> findActive(UUID userId) {
    return findById(userId).map(UserRepository::requireActive);
  }

  /**
   * The same, holding the row lock until the transaction ends: serialises changes to one user's
   * credentials (two enrolments, an erasure racing a new device).
   */
  public Uni<User> lockActive(UUID userId) {
    return findById(userId, LockModeType.PESSIMISTIC_WRITE).map(UserRepository::requireActive);
  }

  public static User requireActive(User user) {
    if (user == null || !user.isActive()) {
      throw ApiException.notFound("No such user", "USER_NOT_FOUND");
    }
    return user;
  }

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
