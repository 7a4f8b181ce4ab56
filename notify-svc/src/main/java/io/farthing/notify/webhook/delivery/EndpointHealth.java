package io.farthing.notify.webhook.delivery;

import io.farthing.common.Ids;
import io.farthing.notify.event.EventStore;
import io.farthing.notify.event.EventTypes;
import io.farthing.notify.event.StoredEvent;
import io.farthing.notify.webhook.WebhooksConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Watches each endpoint's failure streak. An endpoint whose attempts have all failed for
 * disable.after-failures attempts in a row AND for at least disable.after is disabled: its
 * pending deliveries are parked (replayable), the reason is recorded on it, a
 * {@code webhook.endpoint_disabled} event is stored through the {@link EventStore} like any
 * published event (so every sink sees it: the partner's other endpoints that subscribe to it) in
 * the same transaction, and after commit its contact is emailed.
 */
@ApplicationScoped
public class EndpointHealth {
  private static final Logger LOG = Logger.getLogger(EndpointHealth.class);

  /** What was disabled, for the after-commit notice. */
  public record Disabled(UUID endpointId, String partner, String url, String contactEmail, String reason, StoredEvent event) {}

  private final WebhooksConfig config;
  /** Lazily: the event store's sinks include the webhook fan-out, whose dispatcher uses this. */
  private final Instance<EventStore> events;
  private final ReactiveMailer mailer;
  private final Counter disabledCounter;

  public EndpointHealth(WebhooksConfig config, Instance<EventStore> events, ReactiveMailer mailer, MeterRegistry meters) {
    this.config = config;
    this.events = events;
    this.mailer = mailer;
    this.disabledCounter =
        Counter.builder("farthing.notify.webhooks.endpoints.disabled")
            .description("Endpoints disabled automatically after failing persistently")
            .register(meters);
  }

  public Uni<Void> succeeded(SqlConnection tx, UUID endpointId) {
    return tx.preparedQuery(
            "update webhook_endpoints set consecutive_failures = 0, failing_since = null"
                + " where id = $1 and consecutive_failures > 0")
        .execute(Tuple.of(endpointId))
        .replaceWithVoid();
  }

  /** Counts a failed attempt; disables the endpoint when the streak is long enough (else null). */
  public Uni<Disabled> failed(SqlConnection tx, UUID endpointId, Instant attemptStarted) {
    return tx.preparedQuery(
            "update webhook_endpoints set consecutive_failures = consecutive_failures + 1,"
                + " failing_since = coalesce(failing_since, $2) where id = $1"
                + " returning consecutive_failures, failing_since, enabled")
        .execute(Tuple.of(endpointId, attemptStarted.atOffset(ZoneOffset.UTC)))
        .chain(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Uni.createFrom().nullItem();
              }
              Row r = rows.iterator().next();
              int streak = r.getInteger("consecutive_failures");
              Instant since = r.getOffsetDateTime("failing_since").toInstant();
              boolean persistent =
                  streak >= config.disable().afterFailures()
                      && Duration.between(since, Instant.now()).compareTo(config.disable().after()) >= 0;
              if (!r.getBoolean("enabled") || !persistent) {
                return Uni.createFrom().nullItem();
              }
              String reason = "Every attempt failed: " + streak + " in a row since " + since;
              return disable(tx, endpointId, reason, streak, since);
            });
  }

  private Uni<Disabled> disable(SqlConnection tx, UUID endpointId, String reason, int streak, Instant since) {
    return tx.preparedQuery(
            "update webhook_endpoints set enabled = false, disabled_reason = $2, disabled_at = now(),"
                + " times_disabled = times_disabled + 1, updated_at = now() where id = $1 and enabled"
                + " returning partner_client_id, url, contact_email, times_disabled, disabled_at")
        .execute(Tuple.of(endpointId, reason))
        .chain(
            rows -> {
              if (!rows.iterator().hasNext()) {
                return Uni.createFrom().nullItem();
              }
              Row r = rows.iterator().next();
              Instant at = r.getOffsetDateTime("disabled_at").toInstant();
              StoredEvent event =
                  new StoredEvent(
                      Ids.newId(), EventTypes.WEBHOOK_ENDPOINT_DISABLED, null, r.getString("partner_client_id"),
                      "webhook_endpoint:" + endpointId, r.getInteger("times_disabled"), at,
                      new JsonObject()
                          .put("endpointId", endpointId.toString())
                          .put("url", r.getString("url"))
                          .put("reason", reason)
                          .put("consecutiveFailures", streak)
                          .put("failingSince", since.toString())
                          .put("disabledAt", at.toString()));
              Disabled disabled =
                  new Disabled(endpointId, event.partnerClientId(), r.getString("url"), r.getString("contact_email"), reason, event);
              return parkPending(tx, endpointId)
                  .chain(() -> events.get().storeWithin(tx, event))
                  .replaceWith(disabled);
            });
  }

  private Uni<Void> parkPending(SqlConnection tx, UUID endpointId) {
    return tx.preparedQuery(
            "update webhook_deliveries set status = 'PARKED', parked_at = now(), parked_reason = 'Endpoint disabled',"
                + " lease_token = null, lease_until = null where endpoint_id = $1 and status in ('PENDING', 'COLLECTING')")
        .execute(Tuple.of(endpointId))
        .replaceWithVoid();
  }

  /** After the disabling committed: metrics, log, the partner's other endpoints, the email. */
  void disabledCommitted(Disabled d) {
    disabledCounter.increment();
    LOG.warnf("Webhook endpoint %s of partner %s disabled after failing persistently", d.endpointId(), d.partner());
    events.get().committed(d.event());
    if (d.contactEmail() == null) {
      return;
    }
    Mail mail =
        Mail.withText(
            d.contactEmail(),
            "Your Farthing webhook endpoint was disabled",
            "Your webhook endpoint " + d.url() + " (id " + d.endpointId() + ") was disabled because it kept failing.\n\n"
                + d.reason() + ".\n\n"
                + "Its pending deliveries are parked, not lost. Fix the endpoint, enable it again"
                + " (UpdateEndpoint with enabled = true), then replay them (ReplayDeadLetters).\n");
    config.mail().from().ifPresent(mail::setFrom);
    mailer
        .send(mail)
        .subscribe()
        .with(
            ok -> {},
            failure -> LOG.warnf("Could not email the contact of webhook endpoint %s: %s", d.endpointId(),
                failure.getClass().getSimpleName()));
  }
}
