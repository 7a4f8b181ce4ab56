package io.farthing.risk.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.common.ApiException;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Reason;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The statistical half of every decision. Scoring reads only the model held in memory (no I/O on
 * the hot path); PostgreSQL holds the one active model, which every replica converges on by
 * re-reading its (version, updates) every {@code risk.model.reload-interval}.
 *
 * <p>Feedback ({@link #learn}) is one SGD step applied to the row under {@code select … for
 * update}: concurrent feedback on several replicas is applied one after another, each on the
 * result of the previous, so none is lost.
 */
@ApplicationScoped
public class ModelService {
  private static final Logger LOG = Logger.getLogger(ModelService.class);
  /** Features a model reason names: enough to explain, few enough to read. */
  static final int REASON_FEATURES = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The model this replica scores with, and which stored parameters it is. */
  record Active(String version, String kind, long updates, LogisticModel model) {
    String fullVersion() {
      return version + "+" + updates;
    }
  }

  public record FeatureView(
      String name, String description, Transform transform, double cap, double mean, double scale,
      double weight) {}

  /** GET /admin/v1/model. */
  public record ModelView(
      String version,
      String kind,
      long updates,
      String scoringVersion,
      Instant createdAt,
      Instant updatedAt,
      double bias,
      Map<String, Double> weights,
      List<FeatureView> features,
      JsonNode metrics) {}

  private final ModelVersionRepository versions;
  private final ModelConfig config;
  private final Baseline baseline;
  private final AtomicReference<Active> active;

  public ModelService(ModelVersionRepository versions, ModelConfig config) {
    this.versions = versions;
    this.config = config;
    this.baseline = Baseline.load();
    // Until start-up has read the database, the shipped baseline answers.
    this.active = new AtomicReference<>(new Active(baseline.version(), "BASELINE", 0, baseline.model()));
  }

  void onStart(@Observes StartupEvent event) throws Throwable {
    VertxContextSupport.subscribeAndAwait(this::ensureActive);
  }

  /** The model's probability, points and reason for one payment. Pure computation, no I/O. */
  public ModelScore score(Features features) {
    Active current = active.get();
    double probability = current.model().probability(features);
    int points = (int) Math.round(probability * config.maxPoints());
    List<Contribution> top = current.model().topContributions(features, REASON_FEATURES);
    Map<String, String> shown = new LinkedHashMap<>();
    top.forEach(c -> shown.put(c.feature(), Long.toString(c.value())));
    String description =
        String.format(Locale.ROOT, "model: fraud probability %.2f", probability)
            + (top.isEmpty() ? "" : top.stream()
                .map(c -> String.format(Locale.ROOT, "%s %+.2f", c.feature(), c.contribution()))
                .collect(Collectors.joining(", ", "; ", "")));
    Reason reason = new Reason(Reason.MODEL, description, points, shown, null);
    return new ModelScore(probability, points, current.fullVersion(), List.of(reason));
  }

  /** {@code <version>+<updates>} of the parameters this replica scores with now. */
  public String currentVersion() {
    return active.get().fullVersion();
  }

  /**
   * One feedback step: the payment's features with its label. Returns the version that now
   * scores, {@code <version>+<updates>}.
   */
  public Uni<String> learn(Features features, boolean fraud) {
    return Panache.withTransaction(
            () ->
                versions.lockActive()
                    .chain(row -> {
                      if (row == null) {
                        return Uni.createFrom().failure(noActiveModel());
                      }
                      LogisticModel next = LogisticModel.fromJson(row.parameters())
                          .updated(features, fraud, config.learningRate(), config.l2());
                      return versions.writeFeedback(row.version(), next.toJson())
                          .map(written -> {
                            if (written != 1) {
                              throw new IllegalStateException("the locked model row was not updated");
                            }
                            return new Active(row.version(), row.kind(), row.updates() + 1, next);
                          });
                    }))
        .invoke(this::install)
        .map(Active::fullVersion);
  }

  /**
   * Feedback from a reported outcome: FRAUD and DISPUTE_LOST teach "fraud", LEGITIMATE and
   * DISPUTE_WON "legitimate"; REFUNDED says nothing about fraud and changes nothing (the item is
   * null then).
   */
  public Uni<String> learn(Features features, Outcome outcome) {
    Boolean label = outcome.fraudLabel();
    return label == null ? Uni.createFrom().nullItem() : learn(features, label);
  }

  /** What the admin API shows: the active row as stored, not this replica's copy. */
  public Uni<ModelView> describe() {
    return Panache.withSession(versions::findActiveDetails)
        .map(row -> {
          if (row == null) {
            throw noActiveModel();
          }
          LogisticModel model = LogisticModel.fromJson(row.parameters());
          Map<String, Double> weights = new LinkedHashMap<>();
          model.parameters().forEach(p -> weights.put(p.name(), p.weight()));
          List<FeatureView> features = model.parameters().stream()
              .map(p -> new FeatureView(p.name(), FeatureNames.all().get(p.name()).description(),
                  p.transform(), p.cap(), p.mean(), p.scale(), p.weight()))
              .toList();
          return new ModelView(row.version(), row.kind(), row.updates(), row.version() + "+" + row.updates(),
              row.createdAt(), row.updatedAt(), model.bias(), weights, features, readTree(row.metrics()));
        });
  }

  /**
   * Re-reads the active (version, updates) and reloads the parameters when they changed, so
   * feedback taken by another replica reaches this one within one interval.
   */
  @Scheduled(
      identity = "risk-model-reload",
      every = "${risk.model.reload-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> reload() {
    return Panache.withSession(
            () ->
                versions.findActiveStamp()
                    .chain(stamp -> {
                      Active current = active.get();
                      if (stamp == null
                          || (stamp.version().equals(current.version()) && stamp.updates() == current.updates())) {
                        return Uni.createFrom().voidItem();
                      }
                      return versions.findActive().invoke(this::install).replaceWithVoid();
                    }))
        .onFailure()
        .recoverWithUni(failure -> {
          // The model in memory keeps scoring; the next interval tries again.
          LOG.warnf("Could not reload the risk model: %s", failure.toString());
          return Uni.createFrom().voidItem();
        });
  }

  /** Makes the shipped baseline the active model unless one is active, then loads the active one. */
  Uni<Void> ensureActive() {
    return Panache.withTransaction(
            () ->
                versions.insertActiveIfNone(baseline.version(), "BASELINE", baseline.model().toJson(),
                        baseline.reportJson())
                    .chain(inserted -> {
                      if (inserted == 1) {
                        LOG.infof("Seeded the risk model with the shipped %s", baseline.version());
                      }
                      return versions.findActive();
                    }))
        .invoke(row -> {
          if (row == null) {
            // Another version row of the same name exists but is inactive: an operator's choice.
            throw new IllegalStateException("no active risk model and " + baseline.version() + " is inactive");
          }
          install(row);
          LOG.infof("Risk model %s active", active.get().fullVersion());
        })
        .replaceWithVoid();
  }

  private void install(ModelVersionRepository.ActiveRow row) {
    if (row != null) {
      install(new Active(row.version(), row.kind(), row.updates(), LogisticModel.fromJson(row.parameters())));
    }
  }

  /**
   * Swaps in {@code next} unless this replica already holds a later state of the same version
   * (a reload that read the row just before a local learn committed must not undo it).
   */
  private void install(Active next) {
    active.updateAndGet(current ->
        !current.version().equals(next.version()) || next.updates() > current.updates() ? next : current);
  }

  private static ApiException noActiveModel() {
    return new ApiException(ApiException.Kind.UNAVAILABLE, "MODEL_UNAVAILABLE", "No risk model is active");
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored model metrics are not JSON", e);
    }
  }
}
