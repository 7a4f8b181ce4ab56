package io.farthing.risk.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The rules: their administration (every change recorded in {@code rule_changes} in the same
 * transaction) and the live, compiled set scoring reads through {@link #activeRules()}.
 *
 * <p>Each replica holds the enabled rules in memory. It loads them at start-up, checks a
 * fingerprint of the table every {@code risk.rules.reload-interval} and reloads when it changed,
 * and reloads at once after a change made through it; so a change is live on its own replica
 * when the call returns and on the others within the reload interval.
 */
@ApplicationScoped
public class RuleService {
  public static final String RULE_NOT_FOUND = "RULE_NOT_FOUND";
  public static final String RULE_ID_TAKEN = "RULE_ID_TAKEN";
  public static final String RULE_VERSION_CONFLICT = "RULE_VERSION_CONFLICT";
  public static final String RULE_LIMIT_REACHED = "RULE_LIMIT_REACHED";
  private static final Logger LOG = Logger.getLogger(RuleService.class);
  private static final TypeReference<List<RuleBody.ConditionBody>> CONDITIONS = new TypeReference<>() {};

  /** The enabled rules in id order, and the table fingerprint they were loaded at. */
  private record Snapshot(String stamp, List<Rule> rules) {}

  private final RuleRepository rules;
  private final RuleChangeRepository changes;
  private final ObjectMapper json;
  private final RulesConfig config;
  private final AtomicReference<Snapshot> live = new AtomicReference<>(new Snapshot("", List.of()));
  /** Loads may overlap (schedule and a local change); the one started last wins. */
  private final AtomicLong loadsStarted = new AtomicLong();
  private long loadPublished;

  public RuleService(RuleRepository rules, RuleChangeRepository changes, ObjectMapper json, RulesConfig config) {
    this.rules = rules;
    this.changes = changes;
    this.json = json;
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) throws Throwable {
    VertxContextSupport.subscribeAndAwait(this::reload);
    LOG.infof("Loaded %d active rules; checking for changes every %s", activeRules().size(),
        config.reloadInterval());
  }

  // --- the hot path --------------------------------------------------------------------------

  /** The enabled rules, compiled, in id order. No I/O: an in-memory snapshot. */
  public List<Rule> activeRules() {
    return live.get().rules();
  }

  // --- keeping the snapshot fresh ------------------------------------------------------------

  /** Re-reads every rule and publishes the enabled ones. */
  public Uni<Void> reload() {
    long load = loadsStarted.incrementAndGet();
    return Panache.withSession(
            () -> rules.stamp().chain(stamp -> rules.listById().map(rows -> new Snapshot(stamp, compileAll(rows)))))
        .invoke(snapshot -> publish(load, snapshot))
        .replaceWithVoid();
  }

  /** The interval is {@link RulesConfig#reloadInterval()}; the inline default repeats its default. */
  @Scheduled(
      identity = "risk-rules-reload",
      every = "${risk.rules.reload-interval:2s}",
      delayed = "${risk.rules.reload-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> reloadIfChanged() {
    return Panache.withSession(rules::stamp)
        .chain(stamp -> stamp.equals(live.get().stamp()) ? Uni.createFrom().voidItem() : reload())
        .onFailure()
        .recoverWithUni(failure -> {
          // The rules in memory stay in force; the next interval tries again.
          LOG.warnf("Could not check the rules for changes: %s", failure.toString());
          return Uni.createFrom().voidItem();
        });
  }

  private synchronized void publish(long load, Snapshot snapshot) {
    if (load > loadPublished) {
      loadPublished = load;
      live.set(snapshot);
    }
  }

  private List<Rule> compileAll(List<RuleEntity> rows) {
    List<Rule> enabled = new ArrayList<>(rows.size());
    for (RuleEntity row : rows) {
      if (!row.enabled) {
        continue;
      }
      try {
        enabled.add(compile(row));
      } catch (RuntimeException e) {
        // Only possible if the feature vocabulary lost a name a stored rule uses: leave that
        // rule out rather than every rule.
        LOG.errorf("Rule %s v%d cannot be used and is left out: %s", row.id, row.version, e.getMessage());
      }
    }
    enabled.sort(Comparator.comparing(Rule::id));
    return List.copyOf(enabled);
  }

  Rule compile(RuleEntity row) {
    List<RuleBody.ConditionBody> conditions;
    try {
      conditions = json.readValue(row.conditions, CONDITIONS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored conditions are not JSON", e);
    }
    RuleBody body = new RuleBody(row.id, row.description, conditions, IntNode.valueOf(row.points), row.forceVerdict,
        row.enabled, row.version);
    return RuleValidator.validate(row.id, body, row.enabled, row.version);
  }

  // --- administration ------------------------------------------------------------------------

  @WithSession
  public Uni<List<RuleView>> list() {
    return rules.listById().map(rows -> rows.stream().map(this::view).toList());
  }

  @WithSession
  public Uni<RuleView> get(String id) {
    return require(RuleValidator.validId(id), false).map(this::view);
  }

  /** The rule as stored (enabled or not), compiled: what a dry-run of an existing rule replays. */
  @WithSession
  public Uni<Rule> stored(String id) {
    return require(RuleValidator.validId(id), false).map(this::compile);
  }

  public Uni<RuleView> create(RuleBody body, String actor) {
    Rule rule = RuleValidator.validate(null, body, true, 1);
    return insert(rule, actor).call(this::reload);
  }

  /** Replaces the rule's definition; {@code body.version} must be the version the caller read. */
  public Uni<RuleView> update(String id, RuleBody body, String actor) {
    RuleValidator.validId(id);
    if (body == null || body.version() == null) {
      throw ApiException.invalid("version is required: the version of the rule you are changing", RuleValidator.INVALID_RULE);
    }
    Rule candidate = RuleValidator.validate(id, body, true, body.version());
    return replace(candidate, body.enabled(), body.version(), actor).call(this::reload);
  }

  public Uni<RuleView> enable(String id, String actor) {
    return setEnabled(RuleValidator.validId(id), true, actor).call(this::reload);
  }

  public Uni<RuleView> disable(String id, String actor) {
    return setEnabled(RuleValidator.validId(id), false, actor).call(this::reload);
  }

  /** The rule's changes, newest first, keyset-paged. */
  @WithSession
  public Uni<Page<RuleChangeView>> history(String id, Integer limit, String cursor) {
    RuleValidator.validId(id);
    int size = Page.limit(limit);
    Long before = changeCursor(Page.afterKey(cursor));
    return require(id, false)
        .chain(() -> changes.history(id, before, size + 1))
        .map(rows -> Page.of(rows, size, row -> Long.toString(row.id), this::changeView));
  }

  @WithTransaction
  Uni<RuleView> insert(Rule rule, String actor) {
    return rules.count()
        .invoke(count -> {
          if (count >= config.maxRules()) {
            throw ApiException.precondition("There are already " + count + " rules, the most allowed", RULE_LIMIT_REACHED);
          }
        })
        .chain(() -> rules.findById(rule.id()))
        .chain(existing -> {
          if (existing != null) {
            return Uni.createFrom().failure(taken(rule.id()));
          }
          Instant now = now();
          RuleEntity row = new RuleEntity();
          row.id = rule.id();
          row.createdAt = now;
          apply(row, rule, actor, now);
          return rules.persistAndFlush(row)
              .onFailure(RuleService::isUniqueViolation)
              .transform(e -> taken(rule.id()))
              .chain(() -> record(row, rule, RuleChange.Kind.CREATED));
        });
  }

  @WithTransaction
  Uni<RuleView> replace(Rule candidate, Boolean enabled, int readVersion, String actor) {
    return require(candidate.id(), true).chain(row -> {
      if (row.version != readVersion) {
        return Uni.createFrom().failure(ApiException.conflict("Rule " + row.id + " is at version " + row.version
            + ", not " + readVersion + ": read it again and reapply your change", RULE_VERSION_CONFLICT));
      }
      Rule updated = candidate.with(enabled == null ? row.enabled : enabled, row.version + 1);
      apply(row, updated, actor, now());
      return record(row, updated, RuleChange.Kind.UPDATED);
    });
  }

  /** Enabling an enabled rule (or disabling a disabled one) changes nothing and records nothing. */
  @WithTransaction
  Uni<RuleView> setEnabled(String id, boolean enabled, String actor) {
    return require(id, true).chain(row -> {
      Rule current = compile(row);
      if (row.enabled == enabled) {
        return Uni.createFrom().item(RuleView.of(current, row));
      }
      Rule updated = current.with(enabled, row.version + 1);
      apply(row, updated, actor, now());
      return record(row, updated, enabled ? RuleChange.Kind.ENABLED : RuleChange.Kind.DISABLED);
    });
  }

  private Uni<RuleView> record(RuleEntity row, Rule rule, RuleChange.Kind kind) {
    RuleView view = RuleView.of(rule, row);
    RuleChange change = new RuleChange();
    change.ruleId = rule.id();
    change.version = rule.version();
    change.change = kind;
    change.rule = write(view);
    change.changedBy = row.updatedBy;
    change.changedAt = row.updatedAt;
    return changes.persist(change).replaceWith(view);
  }

  private void apply(RuleEntity row, Rule rule, String actor, Instant now) {
    row.description = rule.description();
    row.conditions = write(rule.conditions());
    row.points = rule.points();
    row.forceVerdict = rule.forceVerdict() == null ? null : rule.forceVerdict().name();
    row.enabled = rule.enabled();
    row.version = rule.version();
    row.updatedAt = now;
    row.updatedBy = actor;
  }

  private Uni<RuleEntity> require(String id, boolean forUpdate) {
    return (forUpdate ? rules.findForUpdate(id) : rules.findById(id))
        .onItem()
        .ifNull()
        .failWith(() -> ApiException.notFound("No rule " + id, RULE_NOT_FOUND));
  }

  private RuleView view(RuleEntity row) {
    return RuleView.of(compileForView(row), row);
  }

  /** A stored rule the vocabulary no longer accepts is still shown, so it can be fixed. */
  private Rule compileForView(RuleEntity row) {
    try {
      return compile(row);
    } catch (RuntimeException e) {
      return new Rule(row.id, row.description, List.of(), row.points,
          row.forceVerdict == null ? null : io.farthing.risk.score.Verdict.valueOf(row.forceVerdict), false, row.version);
    }
  }

  private RuleChangeView changeView(RuleChange row) {
    JsonNode rule;
    try {
      rule = json.readTree(row.rule);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored rule change is not JSON", e);
    }
    return new RuleChangeView(row.id, row.ruleId, row.version, row.change, rule, row.changedBy, row.changedAt);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a rule as JSON", e);
    }
  }

  private static Long changeCursor(String key) {
    if (key == null) {
      return null;
    }
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }

  private static ApiException taken(String id) {
    return ApiException.conflict("A rule with id " + id + " already exists", RULE_ID_TAKEN);
  }

  /** PostgreSQL's unique_violation, however the driver and Hibernate wrapped it. */
  static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof org.hibernate.exception.ConstraintViolationException
          || (message != null && (message.contains("23505") || message.contains("duplicate key")))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** PostgreSQL keeps microseconds: the instant stored is the instant shown. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
