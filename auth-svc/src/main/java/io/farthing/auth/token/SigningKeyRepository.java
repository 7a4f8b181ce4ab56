package io.farthing.auth.token;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class SigningKeyRepository implements PanacheRepositoryBase<SigningKey, String> {
  /** Arbitrary constant naming the advisory lock that serialises key creation across replicas. */
  private static final long KEY_LOCK = 0x6661727468696e67L;

  public Uni<SigningKey> findActive() {
    return find("retiredAt is null").firstResult();
  }

  /** Keys whose tokens may still be in circulation: the active one and recently retired ones. */
  public Uni<List<SigningKey>> findPublished(Instant now) {
    return list("retiredAt is null or publishUntil > ?1 order by createdAt desc", now);
  }

  /** Serialises key creation and rotation among replicas, until the transaction ends. */
  public Uni<Void> lockForRotation() {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery("select cast(pg_advisory_xact_lock(" + KEY_LOCK + ") as text)")
                    .getSingleResult())
        .replaceWithVoid();
  }
}
