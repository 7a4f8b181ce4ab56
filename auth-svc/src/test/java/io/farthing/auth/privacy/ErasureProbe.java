package io.farthing.auth.privacy;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only feature holding personal data: records which users it was asked to erase and
 * fails on request, so tests can see that every holder takes part and that erasure is atomic.
 * It holds nothing for users it was not told about.
 */
@ApplicationScoped
public class ErasureProbe implements PersonalDataHolder {
  public static final String SECTION = "test-erasure-probe";
  private final Set<UUID> failing = ConcurrentHashMap.newKeySet();
  private final Set<UUID> erased = ConcurrentHashMap.newKeySet();

  public void failErasureOf(UUID userId) {
    failing.add(userId);
  }

  public void allowErasureOf(UUID userId) {
    failing.remove(userId);
  }

  public boolean wasErased(UUID userId) {
    return erased.contains(userId);
  }

  @Override
  public String section() {
    return SECTION;
  }

  @Override
  public Uni<Object> export(UUID userId) {
    return Uni.createFrom().item(List.of());
  }

  @Override
  public Uni<Void> erase(UUID userId) {
    if (failing.contains(userId)) {
      return Uni.createFrom().failure(new IllegalStateException("probe refuses to erase"));
    }
    erased.add(userId);
    return Uni.createFrom().voidItem();
  }
}
