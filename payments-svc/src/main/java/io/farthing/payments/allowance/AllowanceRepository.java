package io.farthing.payments.allowance;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The allowance_usage and allowance_charges rows (V9). */
@ApplicationScoped
public class AllowanceRepository {
  /**
   * Counts a charge against its period in ONE statement: the period's row is created with the
   * amount, or its used_minor grows by it only if the result stays within the limit (written as
   * {@code used <= limit - amount}, which cannot overflow). The row lock PostgreSQL takes for the
   * upsert makes parallel charges on any replica queue on it, each seeing the others' counts. No
   * row returned = no room. The charge's link to the period is written by the same statement.
   * The caller makes sure amount <= limit, so a new row always fits.
   */
  static final String COUNT =
      """
      with usage as (
        insert into allowance_usage (consent_id, period_start, period_end, user_id, partner_client_id, currency,
                                     limit_minor, used_minor, updated_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, now())
        on conflict (consent_id, period_start) do update
           set used_minor = allowance_usage.used_minor + excluded.used_minor,
               limit_minor = excluded.limit_minor, period_end = excluded.period_end, updated_at = now()
         where allowance_usage.used_minor <= excluded.limit_minor - excluded.used_minor
           and allowance_usage.currency = excluded.currency
        returning used_minor, limit_minor
      ), link as (
        insert into allowance_charges (charge_id, consent_id, period_start, counted_minor)
        select $9, $1, $2, $8 from usage
      )
      select used_minor, limit_minor from usage
      """;

  /**
   * Gives {@code $2} of a charge's count back to its period, only while the period lasts and
   * never more than was counted. A tab's settlement charge was counted as its tab (the cap at
   * open, keyed by the tab's id), so its refund gives back against the tab's count. No row
   * returned = nothing given back.
   */
  static final String GIVE_BACK =
      """
      with link as (
        update allowance_charges set returned_minor = returned_minor + $2
         where charge_id in ($1, (select tab_id from tab_settlements where charge_id = $1))
           and returned_minor <= counted_minor - $2
           and exists (select 1 from allowance_usage u
                        where u.consent_id = allowance_charges.consent_id
                          and u.period_start = allowance_charges.period_start and u.period_end > now())
        returning consent_id, period_start
      )
      update allowance_usage u set used_minor = u.used_minor - $2, updated_at = now()
        from link where u.consent_id = link.consent_id and u.period_start = link.period_start
      returning u.used_minor
      """;

  static final String CURRENT =
      """
      select consent_id, partner_client_id, currency, limit_minor, used_minor, period_start, period_end
        from allowance_usage where user_id = $1 and period_end > now()
       order by period_end, consent_id limit $2
      """;

  /** The period's usage after the charge was counted. */
  public record Counted(long usedMinor, long limitMinor) {}

  /** One period's usage as a user sees it. */
  public record Usage(
      String consentId, String partnerClientId, String currency, long limitMinor, long usedMinor,
      Instant periodStart, Instant periodEnd) {}

  /** Counts {@code amountMinor} of charge {@code chargeId}; empty when the period has no room. */
  public Uni<Optional<Counted>> count(
      SqlClient tx, AllowancePeriod period, UUID userId, String partnerClientId, UUID chargeId, long amountMinor) {
    return tx.preparedQuery(COUNT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    period.consentId(), time(period.periodStart()), time(period.periodEnd()), userId, partnerClientId,
                    period.currency(), period.limitMinor(), amountMinor, chargeId)))
        .map(
            rows -> {
              var iterator = rows.iterator();
              if (!iterator.hasNext()) {
                return Optional.empty();
              }
              Row row = iterator.next();
              return Optional.of(new Counted(row.getLong("used_minor"), row.getLong("limit_minor")));
            });
  }

  /** Gives back {@code amountMinor} of a charge's count; true when it was given back. */
  public Uni<Boolean> giveBack(SqlClient tx, UUID chargeId, long amountMinor) {
    return tx.preparedQuery(GIVE_BACK)
        .execute(Tuple.of(chargeId, amountMinor))
        .map(rows -> rows.rowCount() == 1);
  }

  public Uni<List<Usage>> current(SqlClient client, UUID userId, int limit) {
    return client
        .preparedQuery(CURRENT)
        .execute(Tuple.of(userId, limit))
        .map(
            rows -> {
              List<Usage> usage = new ArrayList<>();
              rows.forEach(
                  row ->
                      usage.add(
                          new Usage(
                              row.getString("consent_id"), row.getString("partner_client_id"), row.getString("currency"),
                              row.getLong("limit_minor"), row.getLong("used_minor"),
                              row.getOffsetDateTime("period_start").toInstant(),
                              row.getOffsetDateTime("period_end").toInstant())));
              return usage;
            });
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
