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

  /** The key that signs at {@code now}: the newest one already activated. */
  public Uni<SigningKey> findCurrent(Instant now) {
    return find(
            "activatesAt <= ?1 and (retiredAt is null or retiredAt > ?1) order by activatesAt desc", now)
        .firstResult();
  }

  /** A key published ahead of its activation, if a rotation is under way. */
  public Uni<SigningKey> findPending(Instant now) {
    return find("activatesAt > ?1 and retiredAt is null order by activatesAt desc", now).firstResult();
  }

  /** Every key a verifier may need: pending, current, and retired ones whose tokens live on. */
  public Uni<List<SigningKey>> findPublished(Instant now) {
    return list("retiredAt is null or publishUntil > ?1 order by activatesAt desc", now);
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
