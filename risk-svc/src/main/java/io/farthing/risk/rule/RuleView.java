package io.farthing.risk.rule;

import io.farthing.risk.score.Verdict;
import java.time.Instant;
import java.util.List;

/** A rule as the admin API shows it and as {@code rule_changes.rule} records it. */
public record RuleView(
    String id,
    String description,
    List<Condition> conditions,
    int points,
    Verdict forceVerdict,
    boolean enabled,
    int version,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy) {

  static RuleView of(Rule rule, RuleEntity row) {
    return new RuleView(rule.id(), rule.description(), rule.conditions(), rule.points(), rule.forceVerdict(),
        rule.enabled(), rule.version(), row.createdAt, row.updatedAt, row.updatedBy);
  }
}
