package io.farthing.risk.score;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.risk.aml.AmlService;
import io.farthing.risk.config.DecisionsConfig;
import io.farthing.risk.config.DegradedConfig;
import io.farthing.risk.config.FeaturesConfig;
import io.farthing.risk.decision.Decision;
import io.farthing.risk.decision.DecisionRepository;
import io.farthing.risk.decision.DecisionWriter;
import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.FeatureStore;
import io.farthing.risk.feature.Features;
import io.farthing.risk.model.ModelScore;
import io.farthing.risk.model.ModelService;
import io.farthing.risk.rule.RuleEngine;
import io.farthing.risk.rule.RuleEvaluation;
import io.farthing.risk.rule.RuleService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Scores one movement of money: features (one Redis round trip, bounded by the caller's
 * deadline), rules and model (in memory), adaptive thresholds, the stored decision (a group
 * commit), then — after answering — the features that learn from the verdict and the AML case
 * check. Redis down or slow gives the degraded answer; it never fails the call.
 */
@ApplicationScoped
public class ScoreService {
  private static final Logger LOG = Logger.getLogger(ScoreService.class);
  /** Kept back from the caller's deadline for rules, model, storing and the answer. */
  private static final Duration DEADLINE_RESERVE = Duration.ofMillis(3);
  private static final Duration MIN_FEATURE_BUDGET = Duration.ofMillis(1);

  public record Scored(Decision decision, boolean replayed) {}

  private final FeatureStore features;
  private final RuleService rules;
  private final RuleEngine engine;
  private final ModelService model;
  private final Friction friction;
  private final DecisionWriter writer;
  private final DecisionRepository decisions;
  private final AmlService aml;
  private final FeaturesConfig featuresConfig;
  private final DegradedConfig degradedConfig;
  private final DecisionsConfig decisionsConfig;
  private final Map<Verdict, Timer> timers = new EnumMap<>(Verdict.class);
  private final Timer degradedTimer;

  public ScoreService(
      FeatureStore features,
      RuleService rules,
      RuleEngine engine,
      ModelService model,
      Friction friction,
      DecisionWriter writer,
      DecisionRepository decisions,
      AmlService aml,
      FeaturesConfig featuresConfig,
      DegradedConfig degradedConfig,
      DecisionsConfig decisionsConfig,
      MeterRegistry meters) {
    this.features = features;
    this.rules = rules;
    this.engine = engine;
    this.model = model;
    this.friction = friction;
    this.writer = writer;
    this.decisions = decisions;
    this.aml = aml;
    this.featuresConfig = featuresConfig;
    this.degradedConfig = degradedConfig;
    this.decisionsConfig = decisionsConfig;
    for (Verdict verdict : Verdict.values()) {
      timers.put(verdict, scoreTimer(meters, verdict.name(), false));
    }
    this.degradedTimer = scoreTimer(meters, "any", true);
  }

  private static Timer scoreTimer(MeterRegistry meters, String verdict, boolean degraded) {
    return Timer.builder("risk.score")
        .description("Score calls answered, by verdict; degraded=true when Redis features were missing")
        .tag("verdict", verdict)
        .tag("degraded", Boolean.toString(degraded))
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(meters);
  }

  /**
   * @param deadline time left before the caller gives up, or null when it set none
   */
  public Uni<Scored> score(RiskContext context, Duration deadline) {
    long startedNanos = System.nanoTime();
    UUID decisionId = Ids.newId();
    // observe() answers on the caller's Vert.x context (FeatureStoreThreadingTest), which the
    // reactive session of the AML check after the answer needs.
    return features
        .observe(context, decisionId, featureBudget(deadline))
        .chain(
            observation ->
                observation.replayOf() != null
                    ? replay(context)
                    : decide(context, decisionId, observation, startedNanos, deadline));
  }

  private Uni<Scored> decide(
      RiskContext context,
      UUID decisionId,
      FeatureStore.Observation observation,
      long startedNanos,
      Duration deadline) {
    Features seen = withRiskBudget(context, observation.features());
    boolean degraded = seen.degraded();

    RuleEvaluation evaluation = engine.evaluate(rules.activeRules(), seen);
    List<Reason> reasons = new ArrayList<>(evaluation.reasons());
    int modelPoints = 0;
    String modelVersion = model.currentVersion();
    if (!degraded) {
      ModelScore modelScore = model.score(seen);
      modelPoints = modelScore.points();
      modelVersion = modelScore.version();
      reasons.addAll(modelScore.reasons());
    }
    Friction.Thresholds thresholds = friction.thresholds(context.securityLevel(), context.kycTier());
    int score = Verdicts.clampScore((long) evaluation.points() + modelPoints);
    Verdict forced = evaluation.forced();
    if (context.securityLevel() == SecurityLevel.ALWAYS && forced != Verdict.DENY) {
      forced = Verdict.CHALLENGE;
      reasons.add(
          new Reason(
              Reason.SECURITY_LEVEL,
              "the user asks to confirm every payment",
              0,
              Map.of(FeatureNames.SECURITY_LEVEL, context.securityLevel().name()),
              Verdict.CHALLENGE));
    }
    Verdict verdict = Verdicts.decide(score, thresholds.challengeAt(), thresholds.denyAt(), forced);
    if (degraded) {
      Verdict floor =
          context.amountMinor() < degradedConfig.allowBelowMinor() ? Verdict.ALLOW : Verdict.CHALLENGE;
      verdict = verdict.atLeast(floor);
      reasons.add(
          new Reason(
              Reason.DEGRADED,
              "features unavailable ("
                  + observation.degradedCause()
                  + "): only the request's own fields were scored; at or above "
                  + degradedConfig.allowBelowMinor()
                  + " minor units the answer is at least CHALLENGE",
              0,
              Map.of(
                  "cause", String.valueOf(observation.degradedCause()),
                  "allow_below_minor", Long.toString(degradedConfig.allowBelowMinor())),
              floor == Verdict.CHALLENGE ? Verdict.CHALLENGE : null));
    }
    Decision decision =
        new Decision(
            decisionId,
            context,
            score,
            verdict,
            evaluation.points(),
            modelPoints,
            modelVersion,
            degraded,
            thresholds,
            seen,
            reasons,
            Instant.now(),
            List.of());
    return writer
        .store(decision, storeWait(startedNanos, deadline))
        .chain(
            stored -> {
              if (stored == DecisionWriter.Stored.DUPLICATE) {
                // Redis forgot the request id (flushed); PostgreSQL did not: answer the first decision.
                return replay(context);
              }
              (degraded ? degradedTimer : timers.get(decision.verdict()))
                  .record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
              afterAnswer(decision);
              return Uni.createFrom().item(new Scored(decision, false));
            });
  }

  /** The features plus what only scoring can derive: the risk budget as a percentage. */
  private Features withRiskBudget(RiskContext context, Features observed) {
    var used = observed.number(FeatureNames.RISK_BUDGET_USED_MINOR);
    if (used.isEmpty()) {
      return observed;
    }
    long percent =
        friction.riskBudgetPercent(used.getAsLong(), context.amountMinor(), context.securityLevel(), context.kycTier());
    return observed.toBuilder().number(FeatureNames.RISK_BUDGET_PCT, percent).build();
  }

  /** Work that must not delay the answer: its failures are logged by the parts themselves. */
  private void afterAnswer(Decision decision) {
    RiskContext context = decision.context();
    if (!decision.degraded()) {
      features
          .learn(context, decision.features(), decision.verdict(), decision.score())
          .subscribe()
          .with(ignored -> {}, failure -> LOG.debugf("learning from a verdict failed: %s", failure));
    }
    if (aml.isHit(context, decision.features())) {
      aml.recordHit(context, decision.features(), decision.id())
          .subscribe()
          .with(
              ignored -> {},
              failure -> LOG.errorf("Recording an AML hit for decision %s failed: %s", decision.id(), failure.getClass().getName()));
    }
  }

  /**
   * The first decision for a retried request id. Its write may still be in flight (the retry
   * overtook it, possibly on another replica), so the look-up is tried a few times.
   */
  private Uni<Scored> replay(RiskContext context) {
    return findStored(context, decisionsConfig.replayLookupAttempts())
        .map(decision -> new Scored(decision, true));
  }

  private Uni<Decision> findStored(RiskContext context, int attemptsLeft) {
    return decisions
        .findByRequest(context.caller(), context.requestId())
        .chain(
            found -> {
              if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
              }
              if (attemptsLeft <= 1) {
                return Uni.createFrom()
                    .failure(
                        new ApiException(
                            ApiException.Kind.IN_PROGRESS,
                            "REQUEST_IN_PROGRESS",
                            "This request_id is being scored already; retry shortly"));
              }
              return Uni.createFrom()
                  .voidItem()
                  .onItem()
                  .delayIt()
                  .by(Duration.ofMillis(20))
                  .emitOn(callersContext())
                  .chain(() -> findStored(context, attemptsLeft - 1));
            });
  }

  /** How long to wait for the decision's commit: the configured bound, or less if the caller's deadline is near. */
  private Duration storeWait(long startedNanos, Duration deadline) {
    Duration wait = decisionsConfig.storeTimeout();
    if (deadline != null) {
      Duration left = deadline.minusNanos(System.nanoTime() - startedNanos).minusMillis(1);
      if (left.compareTo(wait) < 0) {
        wait = left.compareTo(MIN_FEATURE_BUDGET) < 0 ? MIN_FEATURE_BUDGET : left;
      }
    }
    return wait;
  }

  private Duration featureBudget(Duration deadline) {
    Duration budget = featuresConfig.timeout();
    if (deadline != null) {
      Duration left = deadline.minus(DEADLINE_RESERVE);
      if (left.compareTo(budget) < 0) {
        budget = left.compareTo(MIN_FEATURE_BUDGET) < 0 ? MIN_FEATURE_BUDGET : left;
      }
    }
    return budget;
  }

  /** Runs continuations back on the caller's Vert.x context (the reactive session needs it). */
  private static Executor callersContext() {
    Context context = Vertx.currentContext();
    return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
  }
}
