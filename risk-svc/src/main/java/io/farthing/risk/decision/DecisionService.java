package io.farthing.risk.decision;

import io.farthing.common.ApiException;
import io.farthing.risk.feature.FeatureStore;
import io.farthing.risk.model.ModelService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Stored decisions: looking one up, and feedback on it. An outcome is recorded once per
 * decision; the first report of it updates the user's and merchant's features and, when it says
 * fraud or not, teaches the model — later scores change.
 */
@ApplicationScoped
public class DecisionService {
  public record Reported(boolean applied, String modelVersion) {}

  private final DecisionRepository decisions;
  private final FeatureStore features;
  private final ModelService model;

  public DecisionService(DecisionRepository decisions, FeatureStore features, ModelService model) {
    this.decisions = decisions;
    this.features = features;
    this.model = model;
  }

  public Uni<Decision> get(UUID id) {
    return decisions.find(id).map(found -> found.orElseThrow(DecisionService::notFound));
  }

  public Uni<List<Decision>> recentOfUser(UUID userId, int limit) {
    return decisions.recentOfUser(userId, limit);
  }

  public Uni<Reported> report(UUID decisionId, Outcome outcome, String reportedBy) {
    return get(decisionId)
        .chain(
            decision ->
                decisions
                    .addOutcome(decisionId, outcome, reportedBy)
                    .chain(applied -> applied ? apply(decision, outcome) : unchanged()));
  }

  private Uni<Reported> apply(Decision decision, Outcome outcome) {
    Uni<Void> featureUpdate =
        features.recordOutcome(
            decision.context().userId(), decision.context().merchantId(), outcome, Instant.now());
    Boolean fraud = outcome.fraudLabel();
    Uni<String> learned =
        fraud == null
            ? Uni.createFrom().item(model.currentVersion())
            : model.learn(decision.features(), fraud);
    return featureUpdate.chain(() -> learned).map(version -> new Reported(true, version));
  }

  private Uni<Reported> unchanged() {
    return Uni.createFrom().item(() -> new Reported(false, model.currentVersion()));
  }

  static ApiException notFound() {
    return ApiException.notFound("No decision with this id", "DECISION_NOT_FOUND");
  }
}
