package io.farthing.risk.aml;

import io.farthing.common.Ids;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AmlCaseRepository implements PanacheRepositoryBase<AmlCase, UUID> {
  /** The newest decision ids a case keeps; older ones stay findable through the decisions table. */
  public static final int MAX_DECISION_IDS = 50;

  /**
   * Opens the user's STRUCTURING case or adds this hit to the open one, in one statement: the
   * partial unique index (one OPEN case per user and kind) makes concurrent hits queue on the
   * row instead of opening a second case. Amounts in another currency than the case's are
   * counted as hits but not added to its total. Decision ids are unique, so dropping the oldest
   * is removing the first one's value. The summary is rewritten from the new totals.
   * Every parameter is cast: the reactive driver binds exactly the type PostgreSQL infers.
   */
  private static final String OPEN_OR_EXTEND = """
      insert into aml_cases as c (id, user_id, kind, status, hits, total_minor, currency, decision_ids, summary,
                                  opened_at, updated_at)
      values (cast(:id as uuid), cast(:userId as uuid), 'STRUCTURING', 'OPEN', 1, cast(:amount as bigint),
              cast(:currency as text), array[cast(:decisionId as uuid)],
              format('1 top-up or P2P transfer just under the limit, %%s %%s in total; %%s such payments in the last %%s',
                     round(cast(cast(:amount as bigint) as numeric)
                           / cast(power(10, cast(:exponent as integer)) as numeric), cast(:exponent as integer)),
                     cast(:currency as text), cast(:seen as text), cast(:window as text)),
              now(), now())
      on conflict (user_id, kind) where status = 'OPEN' do update set
        hits = c.hits + 1,
        total_minor = c.total_minor + case when c.currency = excluded.currency then excluded.total_minor else 0 end,
        decision_ids = case when cardinality(c.decision_ids) >= %d
                            then array_remove(c.decision_ids, c.decision_ids[1]) else c.decision_ids end
                       || excluded.decision_ids,
        summary = format('%%s top-ups or P2P transfers just under the limit, %%s %%s in total; %%s such payments in the last %%s',
                         c.hits + 1,
                         round(cast(c.total_minor + case when c.currency = excluded.currency
                                                         then excluded.total_minor else 0 end as numeric)
                               / cast(power(10, cast(:exponent as integer)) as numeric), cast(:exponent as integer)),
                         c.currency, cast(:seen as text), cast(:window as text)),
        updated_at = now()
      returning cast(id as text)
      """.formatted(MAX_DECISION_IDS);

  private static final String RESOLVE = """
      update aml_cases set status = 'RESOLVED', resolution = cast(:resolution as text), note = cast(:note as text),
                           resolved_by = cast(:actor as text), resolved_at = now(), updated_at = now()
      where id = cast(:id as uuid) and status = 'OPEN'
      """;

  /** The id of the case the hit now belongs to. */
  public Uni<UUID> openOrExtend(
      UUID userId, long amountMinor, String currency, int currencyExponent, UUID decisionId, long nearLimitCount,
      String window) {
    return getSession()
        .chain(session -> session.createNativeQuery(OPEN_OR_EXTEND, String.class)
            .setParameter("id", Ids.newId())
            .setParameter("userId", userId)
            .setParameter("amount", amountMinor)
            .setParameter("currency", currency)
            .setParameter("decisionId", decisionId)
            .setParameter("exponent", currencyExponent)
            .setParameter("seen", Long.toString(nearLimitCount))
            .setParameter("window", window)
            .getSingleResult())
        .map(UUID::fromString);
  }

  /** Resolves the case if it is open; the number of rows changed (0: unknown or already resolved). */
  public Uni<Integer> resolve(UUID id, AmlCase.Resolution resolution, String note, String actor) {
    return getSession()
        .chain(session -> session.createNativeQuery(RESOLVE)
            .setParameter("id", id)
            .setParameter("resolution", resolution.name())
            .setParameter("note", note)
            .setParameter("actor", actor)
            .executeUpdate());
  }

  /**
   * Up to {@code rows} cases, newest opened first, after the cursor position (opened_at, id), with
   * optional filters.
   */
  public Uni<List<AmlCase>> page(AmlCase.Status status, UUID userId, Instant afterOpenedAt, UUID afterId, int rows) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (status != null) {
      where.add("status = :status");
      params.and("status", status);
    }
    if (userId != null) {
      where.add("userId = :userId");
      params.and("userId", userId);
    }
    if (afterOpenedAt != null) {
      where.add("(openedAt < :openedAt or (openedAt = :openedAt and id < :id))");
      params.and("openedAt", afterOpenedAt).and("id", afterId);
    }
    String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by openedAt desc, id desc";
    return find(query, params).range(0, rows - 1).list();
  }
}
