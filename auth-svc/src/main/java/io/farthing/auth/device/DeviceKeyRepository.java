package io.farthing.auth.device;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class DeviceKeyRepository implements PanacheRepositoryBase<DeviceKey, UUID> {

  /** The device if it belongs to the user; null for an unknown id and for another user's. */
  public Uni<DeviceKey> findOwned(UUID deviceId, UUID userId) {
    return find("id = ?1 and userId = ?2", deviceId, userId).firstResult();
  }

  public Uni<List<DeviceKey>> listForUser(UUID userId) {
    return list("userId = ?1 order by createdAt, id", userId);
  }

  public Uni<Long> countForUser(UUID userId) {
    return count("userId", userId);
  }

  public Uni<Boolean> keyRegistered(UUID userId, byte[] publicKey) {
    return count("userId = ?1 and publicKey = ?2", userId, publicKey).map(count -> count > 0);
  }

  /** Deletes the user's device; its pending challenges go with it (ON DELETE CASCADE). */
  public Uni<Boolean> deleteOwned(UUID deviceId, UUID userId) {
    return delete("id = ?1 and userId = ?2", deviceId, userId).map(rows -> rows == 1);
  }

  public Uni<Long> deleteForUser(UUID userId) {
    return delete("userId", userId);
  }
}
