package io.farthing.risk.feature;

import io.farthing.risk.config.AmlConfig;
import io.farthing.risk.config.FeaturesConfig;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.RiskContext.GeoPoint;
import io.farthing.risk.score.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * The user, device and merchant features of every Score, kept in Redis (key layout:
 * {@code risk/observe.lua}). {@link #observe} reads and updates everything in one round trip and
 * never fails: without Redis (down, late, circuit open) it answers the request's own features
 * with {@code degraded = 1}, within the budget. {@link #learn} and {@link #recordOutcome} run
 * after the answer is sent; their failures are logged (rate-limited) and swallowed.
 *
 * <p>Windows are half-open, (t - W, t] with t the event time the caller sent ({@code ctx.at()}).
 * Merchant figures use 30 UTC-day buckets: the day of t and the 29 before it.
 */
@ApplicationScoped
public class FeatureStore {
  private static final Logger LOG = Logger.getLogger(FeatureStore.class);

  public static final String REDIS_TIMEOUT = "REDIS_TIMEOUT";
  public static final String REDIS_UNAVAILABLE = "REDIS_UNAVAILABLE";
  public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";
  public static final String DEGRADED_METRIC = "risk.features.degraded";

  /**
   * What {@link #observe} found.
   *
   * @param replayOf the decision id stored earlier for (caller, requestId), else null; a replay
   *     updates no feature and carries only the request's own features
   * @param degradedCause null, or {@link #REDIS_TIMEOUT}, {@link #REDIS_UNAVAILABLE}, {@link
   *     #CIRCUIT_OPEN}
   */
  public record Observation(Features features, String replayOf, String degradedCause) {}

  /** learn and recordOutcome are off the hot path: they may wait longer, but not forever. */
  private static final Duration BACKGROUND_TIMEOUT = Duration.ofMillis(500);

  private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
  private static final long HOUR_MS = Duration.ofHours(1).toMillis();
  private static final long DAY_MS = Duration.ofDays(1).toMillis();
  private static final long FRAUD_WINDOW_MS = Duration.ofDays(90).toMillis();
  /** 30 daily buckets plus the day still being filled. */
  private static final long MERCHANT_TTL_MS = Duration.ofDays(31).toMillis();

  private final RedisScripts scripts;
  private final FeaturesConfig config;
  private final AmlConfig aml;
  private final Map<String, Counter> degraded;
  private final RateLimitedLog observeFailures = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final RateLimitedLog backgroundFailures = new RateLimitedLog(LOG, Duration.ofMinutes(1));

  public FeatureStore(RedisScripts scripts, FeaturesConfig config, AmlConfig aml, MeterRegistry meters) {
    this.scripts = scripts;
    this.config = config;
    this.aml = aml;
    this.degraded =
        Map.of(
            REDIS_TIMEOUT, degradedCounter(meters, REDIS_TIMEOUT),
            REDIS_UNAVAILABLE, degradedCounter(meters, REDIS_UNAVAILABLE),
            CIRCUIT_OPEN, degradedCounter(meters, CIRCUIT_OPEN));
  }

  private static Counter degradedCounter(MeterRegistry meters, String cause) {
    return Counter.builder(DEGRADED_METRIC)
        .description("Scores answered without Redis features, by cause")
        .tag("cause", cause)
        .register(meters);
  }

  /**
   * The features of one payment, counting it in its own windows (unless it is a replay). Never
   * fails; answers within {@code budget} (null: risk.features.timeout). The item is delivered on
   * the caller's Vert.x context when there is one.
   */
  public Uni<Observation> observe(RiskContext ctx, UUID decisionId, Duration budget) {
    Duration wait = budget == null ? config.timeout() : budget;
    boolean nearLimit = nearLimit(ctx);
    if (wait.isNegative() || wait.isZero()) {
      return Uni.createFrom().item(() -> degraded(ctx, nearLimit, REDIS_TIMEOUT, null));
    }
    Uni<Observation> answer =
        Uni.createFrom()
            // run() times out after wait itself, inside the circuit breaker so lateness counts
            // against Redis; a second timer here would race it.
            .deferred(() -> scripts.run(scripts.observe(), observeKeys(ctx), observeArgs(ctx, decisionId, nearLimit), wait))
            .map(reply -> fromRedis(ctx, nearLimit, reply))
            .onFailure()
            .recoverWithItem(failure -> degraded(ctx, nearLimit, causeOf(failure), failure));
    return onCallersContext(answer);
  }

  /**
   * What the verdict teaches: non-DENY verdicts make the merchant familiar; ALLOW and CHALLENGE
   * enter the amount statistics; ALLOW spends risk budget ({@code amount x (1000 + 2 x score) /
   * 1000}), CHALLENGE resets it. DENY changes nothing. Never fails. Call it once per fresh
   * decision, not for replays: the amount statistics are not idempotent (the budget is: its entry
   * is keyed by caller and request id). {@code features} is not read; everything comes from ctx.
   */
  public Uni<Void> learn(RiskContext ctx, Features features, Verdict verdict, int score) {
    return background("learn", () -> learnNow(ctx, verdict, score));
  }

  private Uni<?> learnNow(RiskContext ctx, Verdict verdict, int score) {
    if (verdict != Verdict.ALLOW && verdict != Verdict.CHALLENGE) {
      return Uni.createFrom().voidItem();
    }
    long t = ctx.at().toEpochMilli();
    List<String> keys =
        List.of(
            FeatureKeys.merchantsSeen(ctx.userId()),
            FeatureKeys.amountStats(ctx.userId()),
            FeatureKeys.riskBudget(ctx.userId()));
    long memoryMs = config.userMemory().toMillis();
    List<String> args =
        List.of(
            verdict.name(),
            orEmpty(ctx.merchantId()),
            Long.toString(t),
            Long.toString(ctx.amountMinor()),
            ctx.currency(),
            Long.toString(FeatureMath.riskWeightedMinor(summed(ctx), score)),
            ctx.caller() + ":" + ctx.requestId(),
            Long.toString(t - memoryMs),
            Long.toString(t - DAY_MS),
            Integer.toString(config.maxEventsPerUser()),
            Long.toString(memoryMs),
            Long.toString(DAY_MS));
    return scripts.run(scripts.learn(), keys, args, BACKGROUND_TIMEOUT);
  }

  /**
   * Feedback on a payment: REFUNDED counts against the merchant's refund rate, DISPUTE_WON and
   * DISPUTE_LOST against its dispute rate (in the bucket of the day of {@code at}); FRAUD and
   * DISPUTE_LOST count as fraud reports on the user for 90 days. merchantId may be null. Never
   * fails.
   */
  public Uni<Void> recordOutcome(UUID userId, String merchantId, Outcome outcome, Instant at) {
    return background("recordOutcome", () -> recordOutcomeNow(userId, merchantId, outcome, at));
  }

  private Uni<?> recordOutcomeNow(UUID userId, String merchantId, Outcome outcome, Instant at) {
    String counter =
        merchantId == null
            ? ""
            : switch (outcome) {
              case REFUNDED -> "r";
              case DISPUTE_WON, DISPUTE_LOST -> "d";
              case FRAUD, LEGITIMATE -> "";
            };
    boolean fraud = outcome == Outcome.FRAUD || outcome == Outcome.DISPUTE_LOST;
    if (counter.isEmpty() && !fraud) {
      return Uni.createFrom().voidItem();
    }
    long t = at.toEpochMilli();
    List<String> keys = List.of(FeatureKeys.merchantDays(merchantId), FeatureKeys.fraudReports(userId));
    List<String> args =
        List.of(
            counter,
            Long.toString(epochDay(t)),
            fraud ? "1" : "0",
            Long.toString(t),
            outcome.name() + "|" + t,
            Long.toString(t - FRAUD_WINDOW_MS),
            Integer.toString(config.maxEventsPerUser()),
            Long.toString(MERCHANT_TTL_MS),
            Long.toString(FRAUD_WINDOW_MS));
    return scripts.run(scripts.outcome(), keys, args, BACKGROUND_TIMEOUT);
  }

  /** Runs off-the-hot-path work so that nothing, not even a bad argument, reaches the caller. */
  private Uni<Void> background(String what, Supplier<Uni<?>> work) {
    return Uni.createFrom()
        .deferred(work)
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            failure -> {
              backgroundFailures.warn("feature store " + what + " skipped", failure);
              return null;
            });
  }

  // --- observe: request-local features ------------------------------------------------------

  private boolean nearLimit(RiskContext ctx) {
    return FeatureMath.nearLimit(ctx.channel(), ctx.amountMinor(), aml.limitMinor(), aml.nearLimitPercent());
  }

  private boolean cashEquivalent(RiskContext ctx) {
    return ctx.cashEquivalent() || config.cashEquivalentCategories().contains(ctx.merchantCategory());
  }

  /** The features the request itself carries: present in every answer, degraded or not. */
  private Features.Builder requestLocal(RiskContext ctx, boolean nearLimit, boolean degradedAnswer) {
    return Features.builder()
        .number(FeatureNames.AMOUNT_MINOR, ctx.amountMinor())
        .flag(FeatureNames.DEVICE_KNOWN, ctx.deviceKnown())
        .flag(FeatureNames.CASH_EQUIVALENT, cashEquivalent(ctx))
        .number(FeatureNames.KYC_TIER, ctx.kycTier())
        .number(FeatureNames.HOUR_OF_DAY, ctx.at().atOffset(ZoneOffset.UTC).getHour())
        .flag(FeatureNames.DEGRADED, degradedAnswer)
        .flag(FeatureNames.NEAR_LIMIT, nearLimit)
        .label(FeatureNames.CHANNEL, ctx.channel() == null ? null : ctx.channel().name())
        .label(FeatureNames.MERCHANT_CATEGORY, ctx.merchantCategory())
        .label(FeatureNames.SECURITY_LEVEL, ctx.securityLevel() == null ? null : ctx.securityLevel().name())
        .label(FeatureNames.COUNTRY, ctx.country())
        .label(FeatureNames.CURRENCY, ctx.currency());
  }

  private Observation degraded(RiskContext ctx, boolean nearLimit, String cause, Throwable failure) {
    degraded.get(cause).increment();
    if (REDIS_UNAVAILABLE.equals(cause)) {
      observeFailures.warn("risk features degraded (" + cause + ")", failure);
    }
    return new Observation(requestLocal(ctx, nearLimit, true).build(), null, cause);
  }

  static String causeOf(Throwable failure) {
    if (failure instanceof CircuitBreakerOpenException) {
      return CIRCUIT_OPEN;
    }
    if (failure instanceof TimeoutException
        || failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
      return REDIS_TIMEOUT;
    }
    return REDIS_UNAVAILABLE;
  }

  // --- observe: the script's arguments and reply --------------------------------------------

  private static List<String> observeKeys(RiskContext ctx) {
    UUID user = ctx.userId();
    return List.of(
        FeatureKeys.replay(ctx.caller(), ctx.requestId()),
        FeatureKeys.events(user),
        FeatureKeys.devices(user),
        FeatureKeys.ips(user),
        FeatureKeys.merchantsSeen(user),
        FeatureKeys.amountStats(user),
        FeatureKeys.location(user),
        FeatureKeys.merchantDays(ctx.merchantId()),
        FeatureKeys.nearLimit(user),
        FeatureKeys.riskBudget(user),
        FeatureKeys.fraudReports(user),
        FeatureKeys.sums(user));
  }

  /** The amount the Redis sums count for this payment (see FeatureMath#summedAmount). */
  private long summed(RiskContext ctx) {
    return FeatureMath.summedAmount(ctx.amountMinor(), config.maxEventsPerUser());
  }

  /** In the order observe.lua reads ARGV. */
  private List<String> observeArgs(RiskContext ctx, UUID decisionId, boolean nearLimit) {
    long t = ctx.at().toEpochMilli();
    GeoPoint location = ctx.location();
    long amlWindowMs = aml.window().toMillis();
    return List.of(
        decisionId.toString(),
        Long.toString(t),
        Long.toString(summed(ctx)),
        ctx.currency(),
        cashEquivalent(ctx) ? "1" : "0",
        orEmpty(ctx.deviceId()),
        orEmpty(ctx.ip()),
        orEmpty(ctx.merchantId()),
        location == null ? "" : Integer.toString(location.latitudeE6()),
        location == null ? "" : Integer.toString(location.longitudeE6()),
        nearLimit ? "1" : "0",
        Long.toString(Math.max(1, config.replayWindow().toSeconds())),
        Integer.toString(config.maxEventsPerUser()),
        Long.toString(epochDay(t)),
        Long.toString(t - MINUTE_MS),
        Long.toString(t - HOUR_MS),
        Long.toString(t - DAY_MS),
        Long.toString(t - amlWindowMs),
        Long.toString(t - FRAUD_WINDOW_MS),
        Long.toString(DAY_MS),
        Long.toString(amlWindowMs),
        Long.toString(config.userMemory().toMillis()),
        Long.toString(MERCHANT_TTL_MS),
        Long.toString(MINUTE_MS),
        Long.toString(HOUR_MS),
        Long.toString(DAY_MS),
        Integer.toString(config.incrementalSumsAbove()));
  }

  /** Reads observe.lua's reply, in its order. */
  private Observation fromRedis(RiskContext ctx, boolean nearLimit, Response reply) {
    if (reply.get(0).toLong() == 1) {
      return new Observation(requestLocal(ctx, nearLimit, false).build(), reply.get(1).toString(), null);
    }
    long sum24h = reply.get(6).toLong();
    long cash24h = reply.get(7).toLong();
    long merchantSeen = reply.get(10).toLong();
    long historyCount = parseLong(reply.get(11));
    double mean = parseDouble(reply.get(12));
    double m2 = parseDouble(reply.get(13));
    long payments = reply.get(17).toLong();
    long[] travel = travel(ctx, reply.get(14), reply.get(15), reply.get(16));
    Features features =
        requestLocal(ctx, nearLimit, false)
            .number(FeatureNames.COUNT_1M, reply.get(1).toLong())
            .number(FeatureNames.COUNT_1H, reply.get(2).toLong())
            .number(FeatureNames.COUNT_24H, reply.get(3).toLong())
            .number(FeatureNames.SUM_1M, reply.get(4).toLong())
            .number(FeatureNames.SUM_1H, reply.get(5).toLong())
            .number(FeatureNames.SUM_24H, sum24h)
            .number(FeatureNames.DEVICES_24H, reply.get(8).toLong())
            .number(FeatureNames.IPS_24H, reply.get(9).toLong())
            .flag(FeatureNames.NEW_MERCHANT, merchantSeen == 0)
            .number(FeatureNames.HISTORY_COUNT, historyCount)
            .number(FeatureNames.AMOUNT_ZSCORE_X100, FeatureMath.zscoreX100(ctx.amountMinor(), historyCount, mean, m2))
            .number(FeatureNames.TRAVEL_KM, travel[0])
            .number(FeatureNames.TRAVEL_KMH, travel[1])
            .number(FeatureNames.CASH_EQUIV_SHARE_PCT, FeatureMath.sharePct(cash24h, sum24h))
            .number(FeatureNames.MERCHANT_PAYMENTS_30D, payments)
            .number(FeatureNames.MERCHANT_REFUND_RATE_BP, FeatureMath.rateBp(reply.get(18).toLong(), payments))
            .number(FeatureNames.MERCHANT_DISPUTE_RATE_BP, FeatureMath.rateBp(reply.get(19).toLong(), payments))
            .number(FeatureNames.NEAR_LIMIT_COUNT_7D, reply.get(20).toLong())
            .number(FeatureNames.NEAR_LIMIT_SUM_7D, reply.get(21).toLong())
            .number(FeatureNames.RISK_BUDGET_USED_MINOR, reply.get(22).toLong())
            .number(FeatureNames.USER_FRAUD_REPORTS, reply.get(23).toLong())
            .build();
    return new Observation(features, null, null);
  }

  /** {km, km/h} from the previous located request; zeros without one or without a location now. */
  private static long[] travel(RiskContext ctx, Response lat, Response lon, Response at) {
    String previousAt = at == null ? "" : at.toString();
    if (ctx.location() == null || previousAt.isEmpty()) {
      return new long[] {0, 0};
    }
    GeoPoint previous = new GeoPoint(Integer.parseInt(lat.toString()), Integer.parseInt(lon.toString()));
    long km = FeatureMath.haversineKm(previous, ctx.location());
    long elapsedMs = ctx.at().toEpochMilli() - Long.parseLong(previousAt);
    return new long[] {km, FeatureMath.speedKmh(km, elapsedMs)};
  }

  private static long parseLong(Response value) {
    String text = value == null ? "" : value.toString();
    return text.isEmpty() ? 0 : Long.parseLong(text);
  }

  private static double parseDouble(Response value) {
    String text = value == null ? "" : value.toString();
    return text.isEmpty() ? 0.0 : Double.parseDouble(text);
  }

  private static long epochDay(long epochMs) {
    return Math.floorDiv(epochMs, DAY_MS);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /**
   * Redis replies and Mutiny timeouts arrive on other threads; the caller (a gRPC handler) gets
   * its item back on its own Vert.x context, where Hibernate Reactive and context propagation
   * expect it.
   */
  private static <T> Uni<T> onCallersContext(Uni<T> uni) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return uni;
    }
    return uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
  }
}
