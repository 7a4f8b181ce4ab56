package io.farthing.risk.rule;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class RuleChangeRepository implements PanacheRepositoryBase<RuleChange, Long> {

  /** Up to {@code rows} changes of one rule before change {@code beforeId} (null: the newest). */
  public Uni<List<RuleChange>> history(String ruleId, Long beforeId, int rows) {
    return beforeId == null
        ? find("ruleId = ?1 order by id desc", ruleId).range(0, rows - 1).list()
        : find("ruleId = ?1 and id < ?2 order by id desc", ruleId, beforeId).range(0, rows - 1).list();
  }
}
