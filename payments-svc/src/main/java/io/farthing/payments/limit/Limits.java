package io.farthing.payments.limit;

import io.farthing.common.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

/**
 * KYC-tier limits and the user's own caps, enforced in the transaction that moves the money: the
 * spend counters are updated conditionally in it, so concurrent payments (on any replica) cannot
 * together pass a cap, and a rolled-back payment counts for nothing. Days and months are the
 * user's, in their time zone.
 */
@ApplicationScoped
public class Limits {
  public static final String CURRENCY_NOT_SUPPORTED = "CURRENCY_NOT_SUPPORTED";

  private final LimitRepository limits;

  public Limits(LimitRepository limits) {
    this.limits = limits;
  }

  /** The limits for this user and currency, or CURRENCY_NOT_SUPPORTED if no KYC row exists for it. */
  public Uni<SpendLimits> of(SqlClient client, UUID userId, String currency) {
    return limits
        .limits(client, userId, currency)
        .map(
            found ->
                found.orElseThrow(
                    () ->
                        ApiException.precondition(
                            "Wallets in " + currency + " are not offered", CURRENCY_NOT_SUPPORTED)));
  }

  /**
   * What a counted movement leaves: the limits it was counted against, and what is left of the
   * user's own daily cap after it (null when the user has set none).
   */
  public record Spent(SpendLimits limits, Long dailyCapRemainingMinor) {}

  /**
   * Counts {@code amountMinor} spent now against this user's limits, in {@code tx}; fails with
   * {@link LimitExceeded} (and counts nothing) if any limit would be passed.
   */
  public Uni<Spent> spend(SqlClient tx, UUID userId, String currency, long amountMinor, ZoneId zone, Instant now) {
    LocalDate day = LocalDate.ofInstant(now, zone);
    LocalDate month = day.withDayOfMonth(1);
    return of(tx, userId, currency)
        .chain(
            limit -> {
              String broken = limit.brokenBy(amountMinor);
              if (broken != null) {
                return Uni.createFrom().failure(exceeded(broken, limit, currency));
              }
              return limits
                  .count(tx, userId, currency, day, month, amountMinor, limit.dailyMinor(), limit.monthlyMinor())
                  .map(
                      counted -> {
                        if (counted.overflow() != null) {
                          throw "D".equals(counted.overflow())
                              ? exceeded(limit.dailyName(), limit, currency)
                              : exceeded(limit.monthlyName(), limit, currency);
                        }
                        Long cap = limit.userDailyCapMinor();
                        return new Spent(limit, cap == null ? null : Math.max(0, cap - counted.daySpentMinor()));
                      });
            });
  }

  private static LimitExceeded exceeded(String name, SpendLimits limit, String currency) {
    long value =
        switch (name) {
          case "KYC_PER_TRANSACTION" -> limit.perTransactionMinor();
          case "KYC_DAILY", "USER_DAILY_CAP" -> limit.dailyMinor();
          default -> limit.monthlyMinor();
        };
    return new LimitExceeded(name, value, currency);
  }
}
