package io.farthing.risk.rule;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;

@ApplicationScoped
public class RuleRepository implements PanacheRepositoryBase<RuleEntity, String> {
  /**
   * Changes whenever any rule does: every change raises one version, so the sum of versions grows
   * strictly; count and latest update time are there for a human reading the logs.
   */
  private static final String STAMP =
      "select count(*) || ':' || coalesce(sum(version), 0) || ':' || coalesce(cast(max(updated_at) as text), '-')"
          + " from rules";

  public Uni<List<RuleEntity>> listById() {
    return list("order by id");
  }

  /** The rule, locked until the transaction ends, or null. */
  public Uni<RuleEntity> findForUpdate(String id) {
    return findById(id, LockModeType.PESSIMISTIC_WRITE);
  }

  /** A cheap fingerprint of the whole table, compared by each replica every reload interval. */
  public Uni<String> stamp() {
    return getSession().chain(session -> session.createNativeQuery(STAMP, String.class).getSingleResult());
  }
}
