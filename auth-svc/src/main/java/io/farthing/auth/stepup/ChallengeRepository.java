package io.farthing.auth.stepup;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class ChallengeRepository implements PanacheRepositoryBase<Challenge, UUID> {

  /** A still-open challenge for the same user and purpose, so a retried create returns it. */
  public Uni<Challenge> findOpen(UUID userId, String purpose, Instant now) {
    return find(
            "userId = ?1 and purpose = ?2 and status = ?3 and expiresAt > ?4 order by createdAt desc",
            userId,
            purpose,
            Challenge.Status.PENDING,
            now)
        .firstResult();
  }

  /** PENDING → VERIFIED in one conditional statement: of two racing answers only one wins. */
  public Uni<Integer> markVerified(UUID id, String method, Instant now) {
    return update(
        "status = ?1, verifiedAt = ?2, verifiedMethod = ?3 where id = ?4 and status = ?5 and expiresAt > ?2",
        Challenge.Status.VERIFIED,
        now,
        method,
        id,
        Challenge.Status.PENDING);
  }

  /** Counts a wrong answer; at the limit the challenge fails for good. */
  public Uni<Void> recordWrongAnswer(UUID id) {
    return update(
            "failedAttempts = failedAttempts + 1 where id = ?1 and status = ?2",
            id,
            Challenge.Status.PENDING)
        .chain(
            () ->
                update(
                    "status = ?1 where id = ?2 and status = ?3 and failedAttempts >= ?4",
                    Challenge.Status.FAILED,
                    id,
                    Challenge.Status.PENDING,
                    Challenge.MAX_FAILED_ATTEMPTS))
        .replaceWithVoid();
  }
}
