package io.farthing.notify.webhook.delivery;

import io.farthing.notify.webhook.DeliveryMode;
import io.farthing.notify.webhook.EndpointStore;
import io.farthing.notify.webhook.SecretCipher;
import io.farthing.notify.webhook.WebhookSignature;
import io.farthing.notify.webhook.WebhooksConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries. Each replica takes due deliveries under a lease (a short transaction with
 * FOR UPDATE SKIP LOCKED sets lease_token/lease_until and commits), so replicas share the work;
 * the HTTP call runs with no transaction open, and its outcome is recorded only if the lease is
 * still ours. A replica that dies mid-delivery leaves a lease that expires: another replica
 * retries the delivery (at least once). A delivery is never taken while an earlier one of the
 * same (endpoint, ordering key) is still pending, so a key's events arrive in order even under
 * retries. Runs on a schedule and whenever a Publish created deliveries ({@link #wake}), with at
 * most dispatch.concurrency deliveries in flight per replica.
 */
@ApplicationScoped
public class WebhookDispatcher {
  private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

  /** Closes digest windows that ended (skipping a batch a Publish is adding to right now). */
  private static final String CLOSE_DIGESTS =
      "update webhook_deliveries set status = 'PENDING' where id in (select id from webhook_deliveries"
          + " where status = 'COLLECTING' and next_attempt_at <= now() for update skip locked)";

  private static final String CLAIM =
      """
      with due as (
        select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
         where d.status = 'PENDING' and d.next_attempt_at <= now()
           and (d.lease_until is null or d.lease_until < now()) and e.enabled
           and not exists (select 1 from webhook_deliveries p
                            where p.endpoint_id = d.endpoint_id and p.ordering_key = d.ordering_key
                              and p.status = 'PENDING' and (p.event_sequence, p.seq) < (d.event_sequence, d.seq))
         order by d.next_attempt_at
         limit $1
         for update of d skip locked)
      update webhook_deliveries d set lease_token = $2, lease_until = now() + $3 * interval '1 millisecond'
        from due where d.id = due.id
      returning d.id, d.endpoint_id, d.kind, d.event_id, d.attempts, d.created_at
      """;

  private static final String SUCCEEDED =
      "update webhook_deliveries set status = 'DELIVERED', delivered_at = now(), attempts = attempts + 1,"
          + " lease_token = null, lease_until = null, last_error = null where id = $1 and lease_token = $2"
          + " returning attempts, cycle";

  private static final String FAILED =
      "update webhook_deliveries set attempts = attempts + 1, last_error = $3, status = $4,"
          + " parked_at = case when $4 = 'PARKED' then now() end,"
          + " parked_reason = case when $4 = 'PARKED' then $5 end,"
          + " next_attempt_at = now() + $6 * interval '1 millisecond', lease_token = null, lease_until = null"
          + " where id = $1 and lease_token = $2 returning attempts, cycle";

  private static final String ATTEMPT =
      "insert into webhook_attempts (delivery_id, attempt_no, cycle, started_at, http_status, error_class, latency_ms)"
          + " values ($1, $2, $3, $4, $5, $6, $7)";

  /** A delivery this replica holds the lease of. */
  record Claim(UUID id, UUID endpointId, DeliveryMode kind, UUID eventId, int attempts, Instant createdAt, UUID lease) {
    String webhookId() {
      return kind == DeliveryMode.PER_EVENT ? eventId.toString() : id.toString();
    }
  }

  private final Pool pool;
  private final io.vertx.mutiny.core.Vertx vertx;
  private final EndpointStore endpoints;
  private final WebhookSender sender;
  private final EndpointHealth health;
  private final WebhooksConfig config;
  private final Backoff backoff;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter succeeded;
  private final Counter failed;
  private final Counter parked;
  private final Timer attemptSucceeded;
  private final Timer attemptFailed;
  private final Counter secretsUnavailable;

  public WebhookDispatcher(
      Pool pool, io.vertx.mutiny.core.Vertx vertx, EndpointStore endpoints, WebhookSender sender, EndpointHealth health,
      WebhooksConfig config, MeterRegistry meters) {
    this.pool = pool;
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.sender = sender;
    this.health = health;
    this.config = config;
    this.backoff = new Backoff(config.delivery().initialBackoff(), config.delivery().maxBackoff());
    if (config.delivery().lease().compareTo(config.delivery().timeout().plusSeconds(5)) < 0) {
      throw new IllegalStateException("notify.webhooks.delivery.lease must exceed delivery.timeout by 5 s or more");
    }
    this.succeeded = outcome(meters, "succeeded", "Deliveries the endpoint accepted (2xx)");
    this.failed = outcome(meters, "failed", "Failed attempts (to be retried or parked)");
    this.parked = outcome(meters, "parked", "Deliveries parked in the dead-letter list");
    this.attemptSucceeded = latency(meters, "succeeded");
    this.attemptFailed = latency(meters, "failed");
    this.secretsUnavailable =
        Counter.builder("farthing.notify.webhooks.secrets.unavailable")
            .description("Attempts not sent because a signing secret did not open (tampered, moved, key missing)")
            .register(meters);
    Gauge.builder("farthing.notify.webhooks.in_flight", inFlight, AtomicInteger::get)
        .description("Deliveries being attempted by this replica now")
        .register(meters);
  }

  private static Counter outcome(MeterRegistry meters, String outcome, String description) {
    return Counter.builder("farthing.notify.webhooks.deliveries").tag("outcome", outcome).description(description)
        .register(meters);
  }

  private static Timer latency(MeterRegistry meters, String outcome) {
    return Timer.builder("farthing.notify.webhooks.attempt.latency").tag("outcome", outcome)
        .description("Time from the SSRF check to the endpoint's answer, per attempt")
        .publishPercentileHistogram()
        .register(meters);
  }

  @Scheduled(
      every = "${notify.webhooks.dispatch.interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      delayed = "1s")
  void scheduled() {
    wake();
  }

  /** Asks for a pass now; passes never overlap, and a wake-up during one triggers another. */
  public void wake() {
    if (!config.dispatch().enabled()) {
      return;
    }
    again.set(true);
    if (running.compareAndSet(false, true)) {
      loop();
    }
  }

  private void loop() {
    again.set(false);
    pass()
        .subscribe()
        .with(
            more -> {
              if (more || again.get()) {
                loop();
              } else {
                running.set(false);
                if (again.get() && running.compareAndSet(false, true)) {
                  loop();
                }
              }
            },
            failure -> {
              LOG.warnf("Webhook dispatch pass failed: %s", failure.getClass().getSimpleName());
              running.set(false);
            });
  }

  /** Takes what it may and starts each delivery; true when there may be more due right now. */
  private Uni<Boolean> pass() {
    int free = Math.min(config.dispatch().concurrency() - inFlight.get(), config.dispatch().batchSize());
    if (free <= 0) {
      return Uni.createFrom().item(false);
    }
    UUID lease = UUID.randomUUID();
    return pool.query(CLOSE_DIGESTS)
        .execute()
        .chain(
            () ->
                pool.preparedQuery(CLAIM)
                    .execute(Tuple.of(free, lease, config.delivery().lease().toMillis())))
        .map(
            rows -> {
              List<Claim> claims = new ArrayList<>();
              for (Row r : rows) {
                claims.add(
                    new Claim(
                        r.getUUID("id"), r.getUUID("endpoint_id"), DeliveryMode.valueOf(r.getString("kind")),
                        r.getUUID("event_id"), r.getInteger("attempts"),
                        r.getOffsetDateTime("created_at").toInstant(), lease));
              }
              claims.forEach(this::start);
              return claims.size() == free;
            });
  }

  private void start(Claim claim) {
    inFlight.incrementAndGet();
    deliver(claim)
        .subscribe()
        .with(
            ignored -> finished(),
            failure -> {
              LOG.warnf("Webhook delivery %s could not be recorded: %s", claim.id(), failure.getClass().getSimpleName());
              finished();
            });
  }

  private void finished() {
    inFlight.decrementAndGet();
    wake();
  }

  /**
   * A retry due sooner than the next scheduled pass gets a timer of its own, so short backoffs
   * (the first retries, and every retry in tests) are not stretched to the pass interval.
   */
  private void wakeAfter(long delayMs) {
    if (delayMs < config.dispatch().interval().toMillis()) {
      vertx.setTimer(delayMs + 5, ignored -> wake());
    }
  }

  /** One attempt of one delivery: build, sign, send, record. */
  Uni<Void> deliver(Claim claim) {
    return endpoints
        .findAny(pool, claim.endpointId())
        .chain(
            endpoint -> {
              if (endpoint == null) {
                return Uni.createFrom().voidItem(); // deleted meanwhile: its deliveries went with it
              }
              return body(claim)
                  .chain(
                      body ->
                          endpoints
                              .activeSecrets(pool, claim.endpointId())
                              .chain(secrets -> attempt(claim, endpoint.url(), secrets, body))
                              .onFailure(SecretCipher.SecretUnavailable.class)
                              .recoverWithUni(failure -> notSigned(claim, (SecretCipher.SecretUnavailable) failure)));
            });
  }

  /**
   * A signing secret that does not open (tampered, copied from another row, or sealed under a key
   * this replica lacks) means nothing is sent: a signature the partner cannot verify helps no one.
   * The attempt is logged as SECRET_UNAVAILABLE and retried with backoff like any failure (another
   * replica may hold the key), then parked; it is not counted against the endpoint's health.
   */
  private Uni<Void> notSigned(Claim claim, SecretCipher.SecretUnavailable failure) {
    secretsUnavailable.increment();
    LOG.errorf(
        "Webhook delivery %s of endpoint %s not sent: %s", claim.id(), claim.endpointId(), failure.getMessage());
    return record(claim, Instant.now(), AttemptResult.failed(AttemptResult.SECRET_UNAVAILABLE, 0));
  }

  private Uni<Void> attempt(Claim claim, String url, List<byte[]> secrets, byte[] body) {
    Instant started = Instant.now();
    long timestamp = started.getEpochSecond();
    String id = claim.webhookId();
    Map<String, String> headers =
        Map.of(
            "webhook-id", id,
            "webhook-timestamp", Long.toString(timestamp),
            "webhook-signature", WebhookSignature.header(secrets, id, timestamp, body));
    return sender.post(url, headers, body).chain(result -> record(claim, started, result));
  }

  private Uni<Void> record(Claim claim, Instant started, AttemptResult result) {
    (result.delivered() ? attemptSucceeded : attemptFailed).record(result.latencyMs(), TimeUnit.MILLISECONDS);
    List<EndpointHealth.Disabled> disabled = new ArrayList<>();
    return pool.withTransaction(
            tx -> result.delivered() ? recordSuccess(tx, claim, started, result) : recordFailure(tx, claim, started, result, disabled))
        .invoke(() -> disabled.forEach(health::disabledCommitted));
  }

  private Uni<Void> recordSuccess(SqlConnection tx, Claim claim, Instant started, AttemptResult result) {
    return tx.preparedQuery(SUCCEEDED)
        .execute(Tuple.of(claim.id(), claim.lease()))
        .chain(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Uni.createFrom().voidItem(); // our lease ran out: another replica owns it now
              }
              succeeded.increment();
              Row r = rows.iterator().next();
              return insertAttempt(tx, claim, r, started, result).chain(() -> health.succeeded(tx, claim.endpointId()));
            });
  }

  private Uni<Void> recordFailure(
      SqlConnection tx, Claim claim, Instant started, AttemptResult result, List<EndpointHealth.Disabled> disabled) {
    int attempts = claim.attempts() + 1;
    boolean park = attempts >= config.delivery().maxAttempts();
    long delayMs = park ? 0 : backoff.delayMs(attempts);
    return tx.preparedQuery(FAILED)
        .execute(
            Tuple.from(
                Arrays.asList(
                    claim.id(), claim.lease(), result.describe(), park ? "PARKED" : "PENDING",
                    "Retries exhausted after " + attempts + " attempts (last: " + result.describe() + ")", delayMs)))
        .chain(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Uni.createFrom().voidItem();
              }
              failed.increment();
              if (park) {
                parked.increment();
              } else {
                wakeAfter(delayMs);
              }
              Row r = rows.iterator().next();
              if (!result.countsAgainstEndpoint()) {
                return insertAttempt(tx, claim, r, started, result);
              }
              return insertAttempt(tx, claim, r, started, result)
                  .chain(() -> health.failed(tx, claim.endpointId(), started))
                  .invoke(d -> {
                    if (d != null) {
                      disabled.add(d);
                    }
                  })
                  .replaceWithVoid();
            });
  }

  private Uni<Void> insertAttempt(SqlConnection tx, Claim claim, Row updated, Instant started, AttemptResult result) {
    return tx.preparedQuery(ATTEMPT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    claim.id(), updated.getInteger("attempts"), updated.getInteger("cycle"),
                    EndpointStore.utc(started), result.httpStatus(), result.errorClass(),
                    (int) Math.min(Integer.MAX_VALUE, result.latencyMs()))))
        .replaceWithVoid();
  }

  /** The exact bytes to sign and send: the same on every attempt. */
  private Uni<byte[]> body(Claim claim) {
    if (claim.kind() == DeliveryMode.PER_EVENT) {
      return pool.preparedQuery("select type, occurred_at, data from events where event_id = $1")
          .execute(Tuple.of(claim.eventId()))
          .map(
              rows -> {
                Row e = rows.iterator().next();
                return new JsonObject()
                    .put("type", e.getString("type"))
                    .put("timestamp", e.getOffsetDateTime("occurred_at").toInstant().toString())
                    .put("data", (JsonObject) e.getValue("data"))
                    .encode()
                    .getBytes(StandardCharsets.UTF_8);
              });
    }
    return pool.preparedQuery(
            "select ev.event_id, ev.type, ev.occurred_at, ev.data from webhook_digest_items i"
                + " join events ev on ev.event_id = i.event_id where i.delivery_id = $1 order by i.position")
        .execute(Tuple.of(claim.id()))
        .map(
            rows -> {
              JsonArray events = new JsonArray();
              for (Row e : rows) {
                events.add(
                    new JsonObject()
                        .put("id", e.getUUID("event_id").toString())
                        .put("type", e.getString("type"))
                        .put("timestamp", e.getOffsetDateTime("occurred_at").toInstant().toString())
                        .put("data", (JsonObject) e.getValue("data")));
              }
              return new JsonObject()
                  .put("type", "digest")
                  .put("timestamp", claim.createdAt().toString())
                  .put("events", events)
                  .encode()
                  .getBytes(StandardCharsets.UTF_8);
            });
  }
}
