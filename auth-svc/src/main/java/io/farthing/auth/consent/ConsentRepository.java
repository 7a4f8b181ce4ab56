package io.farthing.auth.consent;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ConsentRepository implements PanacheRepositoryBase<Consent, UUID> {

  public Uni<Consent> findActive(UUID userId, String clientId) {
    return find("userId = ?1 and clientId = ?2 and revokedAt is null", userId, clientId).firstResult();
  }

  /** The active consent if there is one, otherwise the most recently granted revoked one. */
  public Uni<Consent> findMostRelevant(UUID userId, String clientId) {
    return find(
            "userId = ?1 and clientId = ?2 order by case when revokedAt is null then 0 else 1 end, id desc",
            userId,
            clientId)
        .firstResult();
  }

  /** A consent only if it belongs to this user: another user's id looks like an unknown one. */
  public Uni<Consent> findOwned(UUID userId, UUID consentId) {
    return find("id = ?1 and userId = ?2", consentId, userId).firstResult();
  }

  /** Up to {@code rows} of the user's consents after {@code afterId}, oldest first. */
  public Uni<List<Consent>> listAfter(UUID userId, UUID afterId, int rows) {
    return afterId == null
        ? find("userId = ?1 order by id", userId).range(0, rows - 1).list()
        : find("userId = ?1 and id > ?2 order by id", userId, afterId).range(0, rows - 1).list();
  }

  public Uni<List<Consent>> listAll(UUID userId) {
    return list("userId = ?1 order by id", userId);
  }

  public Uni<Integer> revokeAllForUser(UUID userId, Instant now) {
    return update(
        "revokedAt = ?1, updatedAt = ?1, version = version + 1 where userId = ?2 and revokedAt is null",
        now,
        userId);
  }
}
