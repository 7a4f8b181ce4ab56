package io.farthing.payments.admin;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Operators' side of KYC: a user's tier, and each tier's limits per currency. A tier change
 * applies to the user's next payment (the charge path reads the tier in its own transaction) and
 * tells the user through a {@code limit.changed} event written with it.
 */
@ApplicationScoped
public class KycAdminService {
  private static final Logger LOG = Logger.getLogger(KycAdminService.class);
  public static final int MAX_TIER = 3;

  private final Pool pool;
  private final KycAdminRepository repository;
  private final Outbox outbox;

  public KycAdminService(Pool pool, KycAdminRepository repository, Outbox outbox) {
    this.pool = pool;
    this.repository = repository;
    this.outbox = outbox;
  }

  /** The user's tier; a user payments-svc has never seen is tier 0. */
  public Uni<KycTier> tier(UUID userId) {
    return repository
        .user(userId)
        .map(found -> found.orElseGet(() -> new KycTier(userId, 0, null, null)));
  }

  public Uni<KycTier> setTier(UUID userId, int tier, String actor) {
    requireTier(tier);
    return pool.withTransaction(
        tx ->
            repository
                .lockUser(tx, userId)
                .chain(
                    before -> {
                      int previous = before.map(KycTier::kycTier).orElse(0);
                      return repository
                          .upsertTier(tx, userId, tier)
                          .call(
                              after -> {
                                if (previous == tier) {
                                  return Uni.createFrom().voidItem();
                                }
                                JsonObject data =
                                    new JsonObject()
                                        .put("userId", userId.toString())
                                        .put("change", "KYC_TIER")
                                        .put("previousKycTier", previous)
                                        .put("kycTier", tier);
                                LOG.infof("KYC tier of %s: %d -> %d, set by %s", userId, previous, tier, actor);
                                long sequence = ChronoUnit.MICROS.between(Instant.EPOCH, after.updatedAt());
                                return outbox.append(
                                    tx,
                                    OutboxEvent.of(
                                        OutboxEvent.LIMIT_CHANGED, userId, null, "user:" + userId, sequence, data));
                              });
                    }));
  }

  public Uni<List<KycLimit>> limits() {
    return repository.limits();
  }

  /**
   * Sets one tier's limits in one currency (creating the row offers wallets in a new currency).
   * A transaction limit above the daily limit, or a daily above the monthly, is refused.
   */
  public Uni<KycLimit> setLimit(KycLimit limit) {
    requireTier(limit.tier());
    Amount.requireCurrency(limit.currency(), "currency");
    positive(limit.perTransactionMinor(), "perTransactionMinor");
    positive(limit.dailyMinor(), "dailyMinor");
    positive(limit.monthlyMinor(), "monthlyMinor");
    positive(limit.walletMaxMinor(), "walletMaxMinor");
    if (limit.perTransactionMinor() > limit.dailyMinor() || limit.dailyMinor() > limit.monthlyMinor()) {
      throw ApiException.invalid(
          "Limits must nest: perTransactionMinor <= dailyMinor <= monthlyMinor", "INCONSISTENT_LIMITS");
    }
    return pool.withTransaction(tx -> repository.upsertLimit(tx, limit));
  }

  public static void requireTier(int tier) {
    if (tier < 0 || tier > MAX_TIER) {
      throw ApiException.invalid("tier must be between 0 and " + MAX_TIER, "INVALID_TIER");
    }
  }

  private static void positive(long minor, String field) {
    if (minor <= 0) {
      throw ApiException.invalid(field + " must be greater than zero", "INVALID_LIMIT");
    }
  }
}
