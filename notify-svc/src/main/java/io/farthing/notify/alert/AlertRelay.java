package io.farthing.notify.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Carries committed alerts to the replica holding the user's stream. The replica that stored an
 * alert hands it to its own streams directly and publishes it on one Redis pub/sub channel; every
 * other replica forwards what it hears to its local streams (user-keyed dispatch in
 * {@link AlertHub}). Redis is only the live path: when it is down, Publish still succeeds, the
 * alert is in the inbox, and a stream that missed it gets it on resume (Last-Event-ID).
 */
@ApplicationScoped
public class AlertRelay {
  private static final Logger LOG = Logger.getLogger(AlertRelay.class);

  /** Tells this replica's own messages apart when Redis echoes them back. */
  private final String replicaId = UUID.randomUUID().toString();
  private final AlertHub hub;
  private final ReactivePubSubCommands<String> pubsub;
  private final Vertx vertx;
  private final AlertsConfig.Live config;
  private final Counter published;
  private final Counter publishFailures;
  private final Counter received;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean outageLogged = new AtomicBoolean();
  private volatile boolean stopping;

  public AlertRelay(AlertHub hub, ReactiveRedisDataSource redis, Vertx vertx, AlertsConfig config, MeterRegistry meters) {
    this.hub = hub;
    this.pubsub = redis.pubsub(String.class);
    this.vertx = vertx;
    this.config = config.live();
    this.published = Counter.builder("farthing.notify.alerts.relay.published").register(meters);
    this.publishFailures =
        Counter.builder("farthing.notify.alerts.relay.publish.failures")
            .description("Alerts not published on Redis (other replicas' streams get them on resume)")
            .register(meters);
    this.received = Counter.builder("farthing.notify.alerts.relay.received").register(meters);
  }

  void start(@Observes StartupEvent started) {
    subscribe();
  }

  void stop(@Observes ShutdownEvent stopped) {
    stopping = true;
  }

  /** Delivers a committed alert live, here and on every other replica. Never fails its caller. */
  public void publish(UserAlert alert) {
    hub.deliver(alert);
    String message = new JsonObject().put("origin", replicaId).put("alert", alert.toJson()).encode();
    pubsub
        .publish(config.redisChannel(), message)
        .subscribe()
        .with(
            ok -> published.increment(),
            failure -> {
              publishFailures.increment();
              LOG.debugf("Alert %s not published on Redis: %s", alert.id(), failure.getClass().getSimpleName());
            });
  }

  public boolean subscribed() {
    return subscribed.get();
  }

  private void subscribe() {
    if (stopping) {
      return;
    }
    pubsub
        .subscribe(config.redisChannel(), this::heard, this::broken, failure -> broken())
        .subscribe()
        .with(
            subscriber -> {
              subscribed.set(true);
              if (outageLogged.getAndSet(false)) {
                LOG.info("Listening for other replicas' alerts on Redis again");
              }
            },
            failure -> broken());
  }

  private void broken() {
    subscribed.set(false);
    if (stopping) {
      return;
    }
    if (!outageLogged.getAndSet(true)) {
      LOG.warnf(
          "Not listening for other replicas' alerts (Redis unavailable); retrying every %s."
              + " Streams here still get this replica's alerts; others' come back on resume",
          config.resubscribeDelay());
    }
    vertx.setTimer(Math.max(1, config.resubscribeDelay().toMillis()), id -> subscribe());
  }

  private void heard(String message) {
    try {
      JsonObject json = new JsonObject(message);
      if (replicaId.equals(json.getString("origin"))) {
        return;
      }
      received.increment();
      hub.deliver(UserAlert.fromJson(json.getJsonObject("alert")));
    } catch (RuntimeException malformed) {
      LOG.warnf("Ignored a malformed alert message on %s", config.redisChannel());
    }
  }
}
