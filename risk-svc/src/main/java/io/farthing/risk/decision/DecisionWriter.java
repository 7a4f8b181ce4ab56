package io.farthing.risk.decision;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.common.ApiException;
import io.farthing.risk.config.DecisionsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Group commit for decisions: every Score waits for its decision to be stored, but the decisions
 * of concurrent Scores share one INSERT (up to {@code batch-max} rows, one round trip, one
 * commit), so storing every decision costs one statement per batch, not per request. Bounded:
 * at most {@code max-pending} waiting, at most {@code max-in-flight} statements running.
 */
@ApplicationScoped
public class DecisionWriter {
  private static final Logger LOG = Logger.getLogger(DecisionWriter.class);

  // One statement: set this transaction's commit mode, insert every row of the batch. A retried
  // request_id already stored is skipped (the replay path answers it from the stored row).
  private static final String INSERT =
      """
      with mode as (select set_config('synchronous_commit', $2, true))
      insert into decisions (id, caller, request_id, user_id, merchant_id, channel, amount_minor,
        currency, score, verdict, rule_points, model_points, model_version, degraded, challenge_at,
        deny_at, request, features, reasons, decided_at)
      select r.id, r.caller, r.request_id, r.user_id, r.merchant_id, r.channel, r.amount_minor,
        r.currency, r.score, r.verdict, r.rule_points, r.model_points, r.model_version, r.degraded,
        r.challenge_at, r.deny_at, r.request, r.features, r.reasons, r.decided_at
      from mode, jsonb_populate_recordset(null::decisions, $1::text::jsonb) r
      on conflict (caller, request_id) do nothing
      returning id
      """;

  /** What became of one decision handed to {@link #store}. */
  public enum Stored {
    /** Committed. */
    STORED,
    /** The caller's request id already had a decision (the replay guard in Redis was lost). */
    DUPLICATE,
    /** Not confirmed in time, or the write failed: answered anyway, counted in metrics. */
    UNCONFIRMED
  }

  private record Pending(
      UUID id, String rowJson, UniEmitter<? super Stored> emitter, Context context, AtomicBoolean done) {
    void complete(Stored stored) {
      if (done.compareAndSet(false, true)) {
        if (context != null) {
          context.runOnContext(ignored -> emitter.complete(stored));
        } else {
          emitter.complete(stored);
        }
      }
    }
  }

  private final Pool pool;
  private final Vertx vertx;
  private final DecisionsConfig config;
  private final DecisionJson json;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastFailureLogMs = new AtomicLong();
  private final Counter failedRows;
  private final Counter unconfirmed;
  private final DistributionSummary batchSizes;

  public DecisionWriter(Pool pool, Vertx vertx, DecisionsConfig config, ObjectMapper mapper, MeterRegistry meters) {
    this.pool = pool;
    this.vertx = vertx;
    this.config = config;
    this.json = new DecisionJson(mapper);
    this.failedRows = meters.counter("risk.decisions.failed");
    this.unconfirmed = meters.counter("risk.decisions.unconfirmed");
    this.batchSizes = DistributionSummary.builder("risk.decisions.batch.size").register(meters);
    meters.gauge("risk.decisions.pending", pending);
  }

  /**
   * Stores the decision and tells what became of it within {@code wait} (past it the write goes
   * on, the answer is UNCONFIRMED). Fails with UNAVAILABLE (OVERLOADED) when too many decisions
   * are already waiting.
   */
  public Uni<Stored> store(Decision decision, java.time.Duration wait) {
    String row = json.write(json.row(decision));
    return Uni.createFrom()
        .emitter(
            emitter -> {
              if (pending.incrementAndGet() > config.maxPending()) {
                pending.decrementAndGet();
                emitter.fail(
                    new ApiException(
                        ApiException.Kind.UNAVAILABLE, "OVERLOADED", "risk-svc is overloaded; use the fallback policy"));
                return;
              }
              Context context = Vertx.currentContext();
              Pending item = new Pending(decision.id(), row, emitter, context, new AtomicBoolean());
              long timer =
                  vertx.setTimer(
                      Math.max(1, wait.toMillis()),
                      id -> {
                        if (!item.done().get()) {
                          unconfirmed.increment();
                        }
                        item.complete(Stored.UNCONFIRMED);
                      });
              emitter.onTermination(() -> vertx.cancelTimer(timer));
              queue.add(item);
              drain();
            });
  }

  private void drain() {
    while (!queue.isEmpty()) {
      int running = inFlight.get();
      if (running >= config.maxInFlight()) {
        return;
      }
      if (!inFlight.compareAndSet(running, running + 1)) {
        continue;
      }
      List<Pending> batch = new ArrayList<>();
      Pending next;
      while (batch.size() < config.batchMax() && (next = queue.poll()) != null) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        continue;
      }
      pending.addAndGet(-batch.size());
      write(batch);
    }
  }

  private void write(List<Pending> batch) {
    StringBuilder rows = new StringBuilder(batch.size() * 1024).append('[');
    for (int i = 0; i < batch.size(); i++) {
      rows.append(i == 0 ? "" : ",").append(batch.get(i).rowJson());
    }
    rows.append(']');
    batchSizes.record(batch.size());
    pool.preparedQuery(INSERT)
        .execute(Tuple.of(rows.toString(), config.asyncCommit() ? "off" : "on"))
        .subscribe()
        .with(
            inserted -> {
              Set<UUID> ids = new HashSet<>();
              inserted.forEach(r -> ids.add(r.getUUID("id")));
              finish(batch, item -> ids.contains(item.id()) ? Stored.STORED : Stored.DUPLICATE);
            },
            failure -> {
              failedRows.increment(batch.size());
              logFailure(failure, batch.size());
              finish(batch, item -> Stored.UNCONFIRMED);
            });
  }

  private void finish(List<Pending> batch, java.util.function.Function<Pending, Stored> outcome) {
    for (Pending item : batch) {
      item.complete(outcome.apply(item));
    }
    inFlight.decrementAndGet();
    drain();
  }

  private void logFailure(Throwable failure, int rows) {
    long now = System.currentTimeMillis();
    long last = lastFailureLogMs.get();
    if (now - last > 10_000 && lastFailureLogMs.compareAndSet(last, now)) {
      LOG.errorf("Storing %d decisions failed (%s); further failures are counted in risk.decisions.failed",
          rows, failure.getClass().getName());
    }
  }
}
