package io.farthing.risk.rule;

import io.farthing.risk.decision.DecisionRepository;
import io.farthing.common.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/** Dry-runs: what a candidate (or stored) rule would have done to recent decisions. Writes nothing. */
@ApplicationScoped
public class DryRunService {
  public static final String INVALID_LIMIT = "INVALID_LIMIT";

  private final DecisionRepository decisions;
  private final RuleService rules;
  private final RulesConfig config;

  public DryRunService(DecisionRepository decisions, RuleService rules, RulesConfig config) {
    this.decisions = decisions;
    this.rules = rules;
    this.config = config;
  }

  /** A candidate as a create or update would send it; {@code enabled: false} replays disabling it. */
  public Uni<DryRun.Result> candidate(RuleBody candidate, Integer limit) {
    Rule rule = RuleValidator.validate(null, candidate, true, candidate == null || candidate.version() == null ? 0
        : candidate.version());
    return replay(rule, limit(limit));
  }

  /** The rule as stored, replayed as if enabled. */
  public Uni<DryRun.Result> stored(String id, Integer limit) {
    int rows = limit(limit);
    return rules.stored(id).chain(rule -> replay(rule.with(true, rule.version()), rows));
  }

  private Uni<DryRun.Result> replay(Rule rule, int limit) {
    // Thousands of rows are replayed off the event loop.
    return decisions.recent(limit)
        .emitOn(Infrastructure.getDefaultWorkerPool())
        .map(recent -> DryRun.run(rule, recent));
  }

  private int limit(Integer requested) {
    int max = config.dryRun().maxDecisions();
    if (requested == null) {
      return Math.min(config.dryRun().defaultDecisions(), max);
    }
    if (requested < 1 || requested > max) {
      throw ApiException.invalid("limit must be between 1 and " + max, INVALID_LIMIT);
    }
    return requested;
  }
}
