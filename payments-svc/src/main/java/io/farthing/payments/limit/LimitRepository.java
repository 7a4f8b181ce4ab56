package io.farthing.payments.limit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class LimitRepository {
  /** KYC limits for the user's tier (0 for a user payments-svc has not seen) and their own caps. */
  private static final String LIMITS =
      """
      select coalesce(p.kyc_tier, 0) as tier, k.per_transaction_minor, k.daily_minor, k.monthly_minor,
             k.wallet_max_minor,
             case when c.pending_effective_at <= now() and (c.pending_daily_cap_minor is not null or c.pending_daily_clear)
                  then c.pending_daily_cap_minor else c.daily_cap_minor end as daily_cap,
             case when c.pending_effective_at <= now() and (c.pending_monthly_cap_minor is not null or c.pending_monthly_clear)
                  then c.pending_monthly_cap_minor else c.monthly_cap_minor end as monthly_cap
        from (select $1::uuid as user_id) u
        left join payment_users p on p.user_id = u.user_id
        join kyc_limits k on k.tier = coalesce(p.kyc_tier, 0) and k.currency = $2
        left join user_caps c on c.user_id = u.user_id and c.currency = $2
      """;

  /**
   * Counts a movement against the day and month it falls in, only if both stay within their
   * limits: two rows come back when it fits. A new period's row is inserted as is (the caller has
   * already checked the amount alone fits). The rows lock per user, never across users. The test
   * is {@code spent <= limit - amount}, not {@code spent + amount <= limit}: with limits up to
   * int64's maximum the sum could pass bigint's range (an error, not a refusal), the difference
   * cannot (amount <= limit), and the SET only runs on a row that passed it.
   */
  private static final String COUNT =
      """
      insert into spend_counters (user_id, currency, period, period_start, spent_minor)
      values ($1, $2, 'D', $3, $5), ($1, $2, 'M', $4, $5)
      on conflict (user_id, currency, period, period_start) do update
         set spent_minor = spend_counters.spent_minor + excluded.spent_minor
       where spend_counters.spent_minor
             <= case excluded.period when 'D' then $6::bigint else $7::bigint end - excluded.spent_minor
      returning period, spent_minor
      """;
  private static final String CAP_COLUMNS =
      "daily_cap_minor, monthly_cap_minor, pending_daily_cap_minor, pending_monthly_cap_minor, pending_daily_clear,"
          + " pending_monthly_clear, pending_effective_at, now() as now";
  private static final String ENSURE_CAPS =
      "insert into user_caps (user_id, currency) values ($1, $2) on conflict (user_id, currency) do nothing";
  private static final String LOCK_CAPS =
      "select " + CAP_COLUMNS + " from user_caps where user_id = $1 and currency = $2 for update";
  private static final String READ_CAPS =
      "select " + CAP_COLUMNS + " from (select 1) one left join user_caps on user_id = $1 and currency = $2";
  private static final String SAVE_CAPS =
      """
      update user_caps set daily_cap_minor = $3, monthly_cap_minor = $4, pending_daily_cap_minor = $5,
             pending_monthly_cap_minor = $6, pending_daily_clear = $7, pending_monthly_clear = $8,
             pending_effective_at = $9, updated_at = now()
       where user_id = $1 and currency = $2
      """;

  /**
   * A user's own caps in one currency as stored (null = no cap), with what is pending and the
   * database's clock ({@code now}), so callers judge "pending or due" by the same clock as
   * {@link #LIMITS}.
   */
  public record StoredCaps(
      Long dailyCapMinor,
      Long monthlyCapMinor,
      Long pendingDailyCapMinor,
      Long pendingMonthlyCapMinor,
      boolean pendingDailyClear,
      boolean pendingMonthlyClear,
      Instant pendingEffectiveAt,
      Instant now) {}

  private static final String SPENT =
      "select period, spent_minor from spend_counters where user_id = $1 and currency = $2"
          + " and ((period = 'D' and period_start = $3) or (period = 'M' and period_start = $4))";

  public Uni<Optional<SpendLimits>> limits(SqlClient client, UUID userId, String currency) {
    return client.preparedQuery(LIMITS)
        .execute(Tuple.of(userId, currency))
        .map(
            rows -> {
              var iterator = rows.iterator();
              if (!iterator.hasNext()) {
                return Optional.<SpendLimits>empty();
              }
              Row row = iterator.next();
              return Optional.of(
                  new SpendLimits(
                      row.getInteger("tier"),
                      row.getLong("per_transaction_minor"),
                      row.getLong("daily_minor"),
                      row.getLong("monthly_minor"),
                      row.getLong("wallet_max_minor"),
                      row.getLong("daily_cap"),
                      row.getLong("monthly_cap")));
            });
  }

  /**
   * The outcome of {@link #count}: which period overflowed ("D" or "M", nothing counted), or null
   * when the movement was counted in both, with what the day's counter holds after it.
   */
  public record Counted(String overflow, long daySpentMinor) {}

  public Uni<Counted> count(
      SqlClient tx, UUID userId, String currency, LocalDate day, LocalDate month, long amountMinor,
      long dailyLimitMinor, long monthlyLimitMinor) {
    return tx.preparedQuery(COUNT)
        .execute(Tuple.from(java.util.List.of(userId, currency, day, month, amountMinor, dailyLimitMinor, monthlyLimitMinor)))
        .map(
            rows -> {
              Long daySpent = null;
              boolean month1 = false;
              for (Row row : rows) {
                if ("D".equals(row.getString("period"))) {
                  daySpent = row.getLong("spent_minor");
                } else {
                  month1 = true;
                }
              }
              String overflow = daySpent == null ? "D" : !month1 ? "M" : null;
              return new Counted(overflow, daySpent == null ? 0 : daySpent);
            });
  }

  /** What the user has spent in this day and month: [day, month]. */
  public Uni<long[]> spent(SqlClient client, UUID userId, String currency, LocalDate day, LocalDate month) {
    return client.preparedQuery(SPENT)
        .execute(Tuple.of(userId, currency, day, month))
        .map(
            rows -> {
              long[] spent = new long[2];
              for (Row row : rows) {
                spent["D".equals(row.getString("period")) ? 0 : 1] = row.getLong("spent_minor");
              }
              return spent;
            });
  }

  /** The user's caps row, created empty if missing and locked for the rest of {@code tx}. */
  public Uni<StoredCaps> lockCaps(SqlClient tx, UUID userId, String currency) {
    return tx.preparedQuery(ENSURE_CAPS)
        .execute(Tuple.of(userId, currency))
        .chain(() -> tx.preparedQuery(LOCK_CAPS).execute(Tuple.of(userId, currency)))
        .map(rows -> storedCaps(rows.iterator().next()));
  }

  /** The user's caps as stored (all empty when the user never set any), without locking. */
  public Uni<StoredCaps> caps(SqlClient client, UUID userId, String currency) {
    return client.preparedQuery(READ_CAPS)
        .execute(Tuple.of(userId, currency))
        .map(rows -> storedCaps(rows.iterator().next()));
  }

  /** Writes the caps row locked by {@link #lockCaps}. */
  public Uni<Void> saveCaps(SqlClient tx, UUID userId, String currency, StoredCaps caps) {
    return tx.preparedQuery(SAVE_CAPS)
        .execute(
            Tuple.from(
                Arrays.asList(
                    userId, currency, caps.dailyCapMinor(), caps.monthlyCapMinor(), caps.pendingDailyCapMinor(),
                    caps.pendingMonthlyCapMinor(), caps.pendingDailyClear(), caps.pendingMonthlyClear(),
                    caps.pendingEffectiveAt() == null ? null : caps.pendingEffectiveAt().atOffset(ZoneOffset.UTC))))
        .map(
            result -> {
              if (result.rowCount() != 1) {
                throw new IllegalStateException("the locked caps row of " + userId + " " + currency + " vanished");
              }
              return null;
            });
  }

  private static StoredCaps storedCaps(Row row) {
    OffsetDateTime effective = row.getOffsetDateTime("pending_effective_at");
    return new StoredCaps(
        row.getLong("daily_cap_minor"),
        row.getLong("monthly_cap_minor"),
        row.getLong("pending_daily_cap_minor"),
        row.getLong("pending_monthly_cap_minor"),
        Boolean.TRUE.equals(row.getBoolean("pending_daily_clear")),
        Boolean.TRUE.equals(row.getBoolean("pending_monthly_clear")),
        effective == null ? null : effective.toInstant(),
        row.getOffsetDateTime("now").toInstant());
  }
}
