package io.farthing.payments.merchant;

import io.farthing.common.ApiException;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.payments.fee.FeePlan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Merchants (partners) and their fee plans. The charge path reads them through a short cache
 * (a change reaches every replica within {@link #CACHE_TTL}); the fee guardrail is applied when
 * a plan is saved and again on every charge.
 */
@ApplicationScoped
public class MerchantService {
  public static final String MERCHANT_NOT_FOUND = "MERCHANT_NOT_FOUND";
  static final Duration CACHE_TTL = Duration.ofSeconds(5);
  private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_.:-]{1,128}$");
  private static final Pattern CATEGORY = Pattern.compile("^[a-z0-9_]{1,64}$");

  private record Cached(Optional<Merchant> merchant, long loadedAtNanos) {}

  private final MerchantRepository merchants;
  private final Pool pool;
  private final PaymentsConfig config;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  public MerchantService(MerchantRepository merchants, Pool pool, PaymentsConfig config) {
    this.merchants = merchants;
    this.pool = pool;
    this.config = config;
  }

  /** The merchant as the charge path sees it (cached up to {@link #CACHE_TTL}). */
  public Uni<Optional<Merchant>> cached(String partnerClientId) {
    Cached hit = cache.get(partnerClientId);
    if (hit != null && System.nanoTime() - hit.loadedAtNanos() < CACHE_TTL.toNanos()) {
      return Uni.createFrom().item(hit.merchant());
    }
    return merchants
        .find(partnerClientId)
        .invoke(found -> cache.put(partnerClientId, new Cached(found, System.nanoTime())));
  }

  /**
   * The merchant's display name for an event written in {@code tx}: from the cache whatever its
   * age (a name a few seconds stale is fine in an alert), else read with {@code tx} itself. Never
   * through the pool: a transaction that holds a wallet's row lock must not wait for a second
   * connection, which the transactions queued behind that lock may all be holding.
   */
  public Uni<Optional<String>> displayName(io.vertx.mutiny.sqlclient.SqlClient tx, String partnerClientId) {
    Cached hit = cache.get(partnerClientId);
    if (hit != null && hit.merchant().isPresent()) {
      return Uni.createFrom().item(Optional.of(hit.merchant().get().name()));
    }
    return merchants.name(tx, partnerClientId);
  }

  /** The active merchant and its plan for this currency, or the refusal a partner can act on. */
  public Uni<Merchant> requireChargeable(String partnerClientId, String currency) {
    return cached(partnerClientId)
        .map(
            found -> {
              Merchant merchant =
                  found.orElseThrow(
                      () ->
                          ApiException.precondition(
                              "This partner is not set up as a merchant yet", "MERCHANT_NOT_ONBOARDED"));
              if (!merchant.active()) {
                throw ApiException.precondition("This merchant is suspended", "MERCHANT_SUSPENDED");
              }
              if (merchant.plan(currency).isEmpty()) {
                throw ApiException.precondition(
                    "This merchant does not accept " + currency, "CURRENCY_NOT_ACCEPTED");
              }
              return merchant;
            });
  }

  public Uni<Merchant> get(String partnerClientId) {
    return merchants
        .find(partnerClientId)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such merchant", MERCHANT_NOT_FOUND)));
  }

  public Uni<List<Merchant>> list(String after, int limit) {
    return merchants.list(after, limit);
  }

  /**
   * Creates a merchant ({@code expectedVersion} null) or replaces one at the version the caller
   * read. Every fee plan must pass the guardrail on a tiny amount.
   */
  public Uni<Merchant> save(
      String partnerClientId, String name, String category, String status, Long expectedVersion,
      Map<String, FeePlan> plans) {
    if (partnerClientId == null || !CLIENT_ID.matcher(partnerClientId).matches()) {
      throw ApiException.invalid("partnerClientId must be a partner's client id", "INVALID_ID");
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ApiException.invalid("name is required (at most 200 characters)", "INVALID_NAME");
    }
    if (category == null || !CATEGORY.matcher(category).matches()) {
      throw ApiException.invalid("category must be lower-case letters, digits and _", "INVALID_CATEGORY");
    }
    if (status == null || (!Merchant.ACTIVE.equals(status) && !Merchant.SUSPENDED.equals(status))) {
      throw ApiException.invalid("status must be ACTIVE or SUSPENDED", "INVALID_STATUS");
    }
    plans.values().forEach(this::requireWithinGuardrail);
    return pool.withTransaction(
            tx -> merchants.upsert(tx, partnerClientId, name, category, status, expectedVersion, plans))
        .chain(
            saved -> {
              if (!saved) {
                return Uni.createFrom()
                    .failure(
                        expectedVersion == null
                            ? ApiException.conflict("This merchant exists already", "MERCHANT_EXISTS")
                            : ApiException.conflict(
                                "The merchant changed since version " + expectedVersion, "VERSION_CONFLICT"));
              }
              cache.remove(partnerClientId);
              return get(partnerClientId);
            });
  }

  /** Refuses a plan whose fee on the reference tiny amount takes more than the allowed share. */
  public void requireWithinGuardrail(FeePlan plan) {
    long reference = config.fees().guardrailReferenceMinor();
    long fee = plan.feeFor(reference);
    if (FeePlan.exceedsShare(fee, reference, config.fees().maxShareBps())) {
      throw ApiException.precondition(
          "On a charge of "
              + reference
              + " minor units this plan takes "
              + fee
              + ", more than the allowed "
              + config.fees().maxShareBps()
              + " basis points",
          "FEE_PLAN_TOO_EXPENSIVE");
    }
  }
}
