package io.farthing.auth.device;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class DeviceChallengeRepository implements PanacheRepositoryBase<DeviceChallenge, UUID> {

  /**
   * Spends a live nonce issued for this device in one conditional statement: a replay, an expired
   * nonce, or a nonce issued for another device all get false.
   */
  public Uni<Boolean> spend(String nonceHash, UUID deviceId, Instant now) {
    return update(
            "usedAt = ?1 where nonceHash = ?2 and deviceId = ?3 and usedAt is null and expiresAt > ?1",
            now,
            nonceHash,
            deviceId)
        .map(rows -> rows == 1);
  }

}
