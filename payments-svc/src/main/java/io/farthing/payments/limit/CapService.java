package io.farthing.payments.limit;

import io.farthing.common.ApiException;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.payments.limit.LimitRepository.StoredCaps;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's own spending caps per currency: what they are, what is pending, and changing them.
 *
 * <p>The rule that protects a user whose token was stolen: making a cap stricter (lowering it, or
 * setting one where there was none) applies at once; making it looser (raising it, or removing
 * it) waits {@code payments.limits.cap-raise-cool-off}. A cap set to what it already is, or lowered,
 * while a raise of it is pending cancels that raise. The caps row is locked while it changes, and
 * the change and its {@code limit.changed} event commit together.
 *
 * <p>The charge path reads caps through {@link LimitRepository}'s LIMITS query, which already
 * applies a pending raise once its time has come; this class judges "due" by the same database
 * clock and folds due raises into the row the next time it is written.
 */
@ApplicationScoped
public class CapService {
  /** What a change did to one cap. */
  public enum Change {
    UNCHANGED,
    /** Stricter: applied at once (any raise that was pending on this cap is gone). */
    LOWERED,
    /** Looser: waits for the cool-off. */
    RAISE_PENDING,
    /** The same raise was asked for again: it keeps its original effective time. */
    RAISE_STILL_PENDING,
    /** The cap was set to what it already is while a raise was pending: the raise is cancelled. */
    RAISE_CANCELLED
  }

  /** The outcome of applying a request to the stored caps (pure; see {@link #decide}). */
  public record Decision(StoredCaps next, Change daily, Change monthly) {
    /** Whether the user would notice: an event is written only then. */
    public boolean visible() {
      return visibleChange(daily) || visibleChange(monthly);
    }

    private static boolean visibleChange(Change change) {
      return change != Change.UNCHANGED && change != Change.RAISE_STILL_PENDING;
    }
  }

  public record KycView(int tier, long perTransactionMinor, long dailyMinor, long monthlyMinor, long walletMaxMinor) {}

  /** The user's own caps in force now; null = no cap of their own. */
  public record CapsSetting(Long dailyCapMinor, Long monthlyCapMinor) {}

  /** A pending change of one cap; {@code capMinor} null = the cap is being removed. */
  public record PendingCap(Long capMinor) {}

  /** Raises waiting for the cool-off; a null cap here has no pending change. */
  public record PendingView(PendingCap daily, PendingCap monthly, Instant effectiveAt) {}

  /** The limits that bind a payment now: the KYC tier's, or the user's own cap where lower. */
  public record EffectiveView(
      long perTransactionMinor, long dailyMinor, long monthlyMinor, long remainingTodayMinor,
      long remainingThisMonthMinor) {}

  /** Spending counted so far in the user's current day and month, in their time zone. */
  public record SpentView(String timeZone, LocalDate day, String month, long todayMinor, long thisMonthMinor) {}

  public record CapsView(
      String currency, KycView kyc, CapsSetting caps, PendingView pending, EffectiveView effective, SpentView spent) {}

  private final Pool pool;
  private final LimitRepository repository;
  private final Limits limits;
  private final Outbox outbox;
  private final AuthClient auth;
  private final PaymentsConfig config;

  public CapService(
      Pool pool, LimitRepository repository, Limits limits, Outbox outbox, AuthClient auth, PaymentsConfig config) {
    this.pool = pool;
    this.repository = repository;
    this.limits = limits;
    this.outbox = outbox;
    this.auth = auth;
    this.config = config;
  }

  /** The user's limits, caps, pending raises and spending in {@code currency}. */
  public Uni<CapsView> view(UUID userId, String currency) {
    return auth.user(userId)
        .map(UserStanding::zone)
        .chain(zone -> pool.withTransaction(tx -> read(tx, userId, currency, zone)));
  }

  /**
   * Sets both caps (null = no cap) and answers the caps as they then stand. The user's time zone
   * is fetched first, so an auth-svc outage refuses the call before anything is written.
   */
  public Uni<CapsView> set(UUID userId, String currency, Long dailyCapMinor, Long monthlyCapMinor) {
    requireCap(dailyCapMinor, "dailyCapMinor");
    requireCap(monthlyCapMinor, "monthlyCapMinor");
    Duration coolOff = config.limits().capRaiseCoolOff();
    return auth.user(userId)
        .map(UserStanding::zone)
        .chain(
            zone ->
                pool.withTransaction(
                    tx ->
                        limits
                            .of(tx, userId, currency)
                            .chain(() -> repository.lockCaps(tx, userId, currency))
                            .chain(
                                stored -> {
                                  Decision decision = decide(stored, dailyCapMinor, monthlyCapMinor, coolOff);
                                  Uni<Void> saved =
                                      decision.next().equals(stored)
                                          ? Uni.createFrom().voidItem()
                                          : repository.saveCaps(tx, userId, currency, decision.next());
                                  return saved
                                      .chain(() -> changed(tx, userId, currency, stored, decision))
                                      .chain(() -> read(tx, userId, currency, zone));
                                })));
  }

  /**
   * Applies a request to the stored caps: first any pending raise whose time has come is made
   * current, then each cap is judged on its own against the one in force.
   */
  public static Decision decide(StoredCaps stored, Long wantDaily, Long wantMonthly, Duration coolOff) {
    StoredCaps settled = settle(stored);
    Cap daily = Cap.daily(settled).toward(wantDaily);
    Cap monthly = Cap.monthly(settled).toward(wantMonthly);
    Instant effectiveAt;
    if (daily.change == Change.RAISE_PENDING || monthly.change == Change.RAISE_PENDING) {
      // One effective time for the row: a new raise restarts the wait of a raise already pending
      // on the other cap. Later, never sooner, than each raise's own cool-off.
      effectiveAt = settled.now().plus(coolOff);
    } else if (daily.pending || monthly.pending) {
      effectiveAt = settled.pendingEffectiveAt();
    } else {
      effectiveAt = null;
    }
    StoredCaps next =
        new StoredCaps(
            daily.cap,
            monthly.cap,
            daily.pending ? daily.pendingCap : null,
            monthly.pending ? monthly.pendingCap : null,
            daily.pending && daily.pendingCap == null,
            monthly.pending && monthly.pendingCap == null,
            effectiveAt,
            stored.now());
    return new Decision(next, daily.change, monthly.change);
  }

  /** The row with every raise that is due (its effective time reached) made current. */
  static StoredCaps settle(StoredCaps stored) {
    Cap daily = Cap.daily(stored);
    Cap monthly = Cap.monthly(stored);
    boolean due = stored.pendingEffectiveAt() != null && !stored.pendingEffectiveAt().isAfter(stored.now());
    if (!due && (daily.pending || monthly.pending)) {
      return stored;
    }
    return new StoredCaps(
        daily.pending ? daily.pendingCap : daily.cap,
        monthly.pending ? monthly.pendingCap : monthly.cap,
        null,
        null,
        false,
        false,
        null,
        stored.now());
  }

  /** One cap: in force ({@code cap}, null = none) and an optional pending change. */
  private record Cap(Long cap, boolean pending, Long pendingCap, Change change) {
    static Cap daily(StoredCaps s) {
      boolean pending = s.pendingDailyCapMinor() != null || s.pendingDailyClear();
      return new Cap(s.dailyCapMinor(), pending, s.pendingDailyClear() ? null : s.pendingDailyCapMinor(), Change.UNCHANGED);
    }

    static Cap monthly(StoredCaps s) {
      boolean pending = s.pendingMonthlyCapMinor() != null || s.pendingMonthlyClear();
      return new Cap(
          s.monthlyCapMinor(), pending, s.pendingMonthlyClear() ? null : s.pendingMonthlyCapMinor(), Change.UNCHANGED);
    }

    Cap toward(Long want) {
      if (Objects.equals(want, cap)) {
        return pending ? new Cap(cap, false, null, Change.RAISE_CANCELLED) : this;
      }
      boolean stricter = want != null && (cap == null || want < cap);
      if (stricter) {
        return new Cap(want, false, null, Change.LOWERED);
      }
      if (pending && Objects.equals(pendingCap, want)) {
        return new Cap(cap, true, pendingCap, Change.RAISE_STILL_PENDING);
      }
      return new Cap(cap, true, want, Change.RAISE_PENDING);
    }
  }

  private Uni<Void> changed(SqlClient tx, UUID userId, String currency, StoredCaps before, Decision decision) {
    if (!decision.visible()) {
      return Uni.createFrom().voidItem();
    }
    StoredCaps after = decision.next();
    JsonObject data =
        new JsonObject()
            .put("userId", userId.toString())
            .put("currency", currency)
            .put("dailyChange", decision.daily().name())
            .put("monthlyChange", decision.monthly().name())
            .put("dailyCapMinor", after.dailyCapMinor())
            .put("monthlyCapMinor", after.monthlyCapMinor())
            .put("previousDailyCapMinor", settle(before).dailyCapMinor())
            .put("previousMonthlyCapMinor", settle(before).monthlyCapMinor());
    PendingView pending = pending(after);
    if (pending != null) {
      JsonObject waiting = new JsonObject().put("effectiveAt", pending.effectiveAt().toString());
      if (pending.daily() != null) {
        waiting.put("dailyCapMinor", pending.daily().capMinor());
      }
      if (pending.monthly() != null) {
        waiting.put("monthlyCapMinor", pending.monthly().capMinor());
      }
      data.put("pending", waiting);
    }
    // The database clock orders one user's limit events: the caps row is locked, so no two
    // changes of it share an instant.
    long sequence = ChronoUnit.MICROS.between(Instant.EPOCH, after.now());
    return outbox.append(
        tx, OutboxEvent.of(OutboxEvent.LIMIT_CHANGED, userId, null, "user:" + userId, sequence, data));
  }

  private Uni<CapsView> read(SqlClient client, UUID userId, String currency, ZoneId zone) {
    return limits
        .of(client, userId, currency)
        .chain(
            limit ->
                repository
                    .caps(client, userId, currency)
                    .chain(
                        stored -> {
                          LocalDate day = LocalDate.ofInstant(stored.now(), zone);
                          LocalDate month = day.withDayOfMonth(1);
                          return repository
                              .spent(client, userId, currency, day, month)
                              .map(spent -> view(currency, limit, stored, zone, day, spent));
                        }));
  }

  private static CapsView view(
      String currency, SpendLimits limit, StoredCaps stored, ZoneId zone, LocalDate day, long[] spent) {
    KycView kyc =
        new KycView(
            limit.kycTier(), limit.perTransactionMinor(), limit.kycDailyMinor(), limit.kycMonthlyMinor(),
            limit.walletMaxMinor());
    // In force: what the charge path's query sees (a due raise already counts).
    CapsSetting caps = new CapsSetting(limit.userDailyCapMinor(), limit.userMonthlyCapMinor());
    EffectiveView effective =
        new EffectiveView(
            limit.perTransactionMinor(),
            limit.dailyMinor(),
            limit.monthlyMinor(),
            Math.max(0, limit.dailyMinor() - spent[0]),
            Math.max(0, limit.monthlyMinor() - spent[1]));
    SpentView spentView = new SpentView(zone.getId(), day, day.toString().substring(0, 7), spent[0], spent[1]);
    return new CapsView(currency, kyc, caps, pending(stored), effective, spentView);
  }

  /** What is still waiting for the cool-off, or null. */
  private static PendingView pending(StoredCaps stored) {
    if (stored.pendingEffectiveAt() == null || !stored.pendingEffectiveAt().isAfter(stored.now())) {
      return null;
    }
    Cap daily = Cap.daily(stored);
    Cap monthly = Cap.monthly(stored);
    if (!daily.pending && !monthly.pending) {
      return null;
    }
    return new PendingView(
        daily.pending ? new PendingCap(daily.pendingCap) : null,
        monthly.pending ? new PendingCap(monthly.pendingCap) : null,
        stored.pendingEffectiveAt());
  }

  private static void requireCap(Long capMinor, String field) {
    if (capMinor != null && capMinor < 0) {
      throw ApiException.invalid(field + " must not be negative", "INVALID_CAP");
    }
  }
}
