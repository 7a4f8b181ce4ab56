package io.farthing.notify.alert;

import io.farthing.common.Ids;
import io.farthing.notify.channel.ChannelKind;
import io.farthing.notify.channel.Delivery;
import io.farthing.notify.channel.InAppChannel;
import io.farthing.notify.channel.OutboundMessage;
import io.farthing.notify.channel.OutboundRepository;
import io.farthing.notify.channel.OutboundWorker;
import io.farthing.notify.event.EventSink;
import io.farthing.notify.event.EventTypes;
import io.farthing.notify.event.StoredEvent;
import io.farthing.notify.inbox.InboxRepository;
import io.farthing.notify.preference.PreferenceRepository;
import io.farthing.notify.preference.Routing;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * People's half of an event: in the event's transaction, decide from the user's preferences where
 * the alert goes and write its rows (the alert, and an email/SMS row for the outbound worker);
 * after the commit, push it to the user's live streams and wake the worker if something is due.
 */
@ApplicationScoped
public class AlertSink implements EventSink {
  private static final Logger LOG = Logger.getLogger(AlertSink.class);
  /** Alerts of transactions that never committed are forgotten after this long. */
  private static final long FORGET_AFTER_SECONDS = 60;

  private record Pending(UserAlert alert, boolean dueNow, Instant at) {}

  private final PreferenceRepository preferences;
  private final InboxRepository inbox;
  private final OutboundRepository outbound;
  private final InAppChannel inApp;
  private final OutboundWorker worker;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<UUID, Pending> awaitingCommit = new ConcurrentHashMap<>();

  public AlertSink(
      PreferenceRepository preferences, InboxRepository inbox, OutboundRepository outbound, InAppChannel inApp,
      OutboundWorker worker, MeterRegistry meters) {
    this.preferences = preferences;
    this.inbox = inbox;
    this.outbound = outbound;
    this.inApp = inApp;
    this.worker = worker;
    this.meters = meters;
  }

  @Override
  public Uni<Void> accept(SqlConnection tx, StoredEvent event) {
    if (event.userId() == null || EventTypes.WEBHOOK_ENDPOINT_DISABLED.equals(event.type())) {
      return Uni.createFrom().voidItem();
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return preferences
        .find(tx, event.userId())
        .chain(
            prefs -> {
              Routing routing = Routing.decide(event.type(), event.data(), prefs, now);
              if (routing.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              AlertText text = text(event);
              UserAlert alert =
                  new UserAlert(
                      Ids.newId(), event.userId(), event.eventId(), event.type(), text.title(), text.body(), shown(event),
                      routing.inApp(), event.occurredAt(), now, null);
              List<OutboundMessage> messages = messages(alert, routing);
              return inbox
                  .insert(tx, alert)
                  .chain(
                      stored -> {
                        if (!stored) {
                          return Uni.createFrom().voidItem();
                        }
                        Uni<Void> rows = Uni.createFrom().voidItem();
                        for (OutboundMessage m : messages) {
                          rows = rows.chain(() -> outbound.insert(tx, m));
                        }
                        return rows.invoke(
                            () ->
                                awaitingCommit.put(
                                    event.eventId(), new Pending(alert, !messages.isEmpty() && routing.heldUntil() == null, now)));
                      });
            });
  }

  @Override
  public void committed(StoredEvent event) {
    Pending pending = awaitingCommit.remove(event.eventId());
    if (pending == null) {
      return;
    }
    meters.counter("farthing.notify.alerts.created", "type", pending.alert().type()).increment();
    if (pending.alert().inApp()) {
      try {
        inApp.deliver(Delivery.inApp(pending.alert()))
            .subscribe()
            .with(ok -> {}, failure -> LOG.debugf("Live push failed: %s", failure.getClass().getSimpleName()));
      } catch (RuntimeException failure) {
        // The alert is committed and in the inbox; a stream that missed it gets it on resume.
        LOG.warnf("Live push of alert %s failed: %s", pending.alert().id(), failure.getClass().getSimpleName());
      }
    }
    if (pending.dueNow()) {
      worker.wake();
    }
  }

  @Scheduled(every = "60s", identity = "notify-alerts-forget-uncommitted", delayed = "60s")
  void forgetUncommitted() {
    Instant cutoff = Instant.now().minusSeconds(FORGET_AFTER_SECONDS);
    awaitingCommit.values().removeIf(p -> p.at().isBefore(cutoff));
  }

  /**
   * The data an alert shows (inbox, streams, partner apps through StreamAlerts): the event's,
   * without the account's email address that auth-svc adds to security events for routing.
   */
  private static JsonObject shown(StoredEvent event) {
    if (EventTypes.isSecurity(event.type()) && event.data().containsKey("email")) {
      JsonObject data = event.data().copy();
      data.remove("email");
      return data;
    }
    return event.data();
  }

  private static AlertText text(StoredEvent event) {
    try {
      return AlertTexts.of(event.type(), event.data());
    } catch (RuntimeException unexpectedShape) {
      // A field of an unexpected JSON type (a string amount): the alert still goes out, in general words.
      LOG.warnf("Event %s (%s) has data of an unexpected shape; sending a general alert", event.eventId(), event.type());
      return AlertTexts.of(event.type(), new JsonObject());
    }
  }

  private static List<OutboundMessage> messages(UserAlert alert, Routing routing) {
    List<OutboundMessage> messages = new ArrayList<>(2);
    if (routing.email() != null) {
      messages.add(
          new OutboundMessage(
              Ids.newId(), alert.id(), alert.userId(), ChannelKind.EMAIL, routing.email(), alert.title(),
              EmailBodies.of(alert), routing.dueAt(), routing.heldUntil(), 0));
    }
    if (routing.phone() != null) {
      messages.add(
          new OutboundMessage(
              Ids.newId(), alert.id(), alert.userId(), ChannelKind.SMS, routing.phone(), alert.title(),
              "Farthing: " + alert.body(), routing.dueAt(), routing.heldUntil(), 0));
    }
    return messages;
  }
}
