package io.farthing.notify.channel;

import io.farthing.notify.alert.AlertsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Sends due email and SMS, at least once, on every replica at the same time (each claims its own
 * rows). A failed send is due again after a doubling backoff; after the last attempt the row is
 * FAILED with its error kept for operators. Held messages (quiet hours) are simply not due yet.
 */
@ApplicationScoped
public class OutboundWorker {
  private static final Logger LOG = Logger.getLogger(OutboundWorker.class);
  private static final int MAX_ERROR_LENGTH = 300;

  private final Pool pool;
  private final OutboundRepository outbound;
  private final Map<ChannelKind, Channel> channels = new EnumMap<>(ChannelKind.class);
  private final AlertsConfig.Outbound config;
  private final MeterRegistry meters;
  private final Vertx vertx;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();

  public OutboundWorker(
      Pool pool, OutboundRepository outbound, Instance<Channel> channels, AlertsConfig config, MeterRegistry meters,
      Vertx vertx) {
    this.vertx = vertx;
    this.pool = pool;
    this.outbound = outbound;
    channels.forEach(channel -> this.channels.put(channel.kind(), channel));
    this.config = config.outbound();
    this.meters = meters;
  }

  @Scheduled(
      identity = "notify-outbound",
      every = "${notify.alerts.outbound.poll-interval}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> poll() {
    wake();
    return Uni.createFrom().voidItem();
  }

  /** Sends what is due now; a call while a round is running asks for one more round. */
  public void wake() {
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    round()
        .subscribe()
        .with(
            sentAll -> finished(),
            failure -> {
              LOG.warnf("Outbound round failed: %s", failure.getClass().getSimpleName());
              finished();
            });
  }

  private void finished() {
    running.set(false);
    if (again.getAndSet(false)) {
      wake();
    }
  }

  private Uni<Void> round() {
    return outbound
        .claim(pool, config.batch(), config.lease())
        .chain(
            (List<OutboundMessage> claimed) ->
                claimed.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Multi.createFrom()
                        .iterable(claimed)
                        .onItem()
                        .transformToUniAndMerge(this::send)
                        .collect()
                        .last()
                        .replaceWithVoid()
                        .invoke(() -> {
                          if (claimed.size() == config.batch()) {
                            again.set(true);
                          }
                        }));
  }

  private Uni<Void> send(OutboundMessage m) {
    Channel channel = channels.get(m.channel());
    return Uni.createFrom()
        .deferred(() -> channel.deliver(m.delivery()))
        .ifNoItem()
        .after(config.sendTimeout())
        .fail()
        .chain(
            () -> {
              meters.counter("farthing.notify.outbound.sent", "channel", m.channel().wireName()).increment();
              return outbound.sent(pool, m).replaceWithVoid();
            })
        .onFailure()
        .recoverWithUni(failure -> failed(m, failure));
  }

  private Uni<Void> failed(OutboundMessage m, Throwable failure) {
    String error = describe(failure);
    meters.counter("farthing.notify.outbound.failed", "channel", m.channel().wireName()).increment();
    if (m.attempts() >= config.maxAttempts()) {
      meters.counter("farthing.notify.outbound.gave_up", "channel", m.channel().wireName()).increment();
      LOG.warnf("Gave up on %s message %s after %d attempts: %s", m.channel().wireName(), m.id(), m.attempts(), error);
      return outbound.failed(pool, m, error).replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid();
    }
    LOG.debugf("%s message %s attempt %d failed: %s", m.channel().wireName(), m.id(), m.attempts(), error);
    Duration backoff = backoff(m.attempts());
    if (backoff.compareTo(config.pollInterval()) < 0) {
      // Due again before the next poll: look again then rather than a poll later.
      vertx.setTimer(Math.max(1, backoff.toMillis()), id -> wake());
    }
    return outbound.retryLater(pool, m, error, backoff).replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid();
  }

  /** initial × 2^(attempts − 1), at most the maximum. */
  Duration backoff(int attempts) {
    Duration wait = config.initialBackoff();
    for (int i = 1; i < attempts && wait.compareTo(config.maxBackoff()) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
  }

  /** The failure's kind and message, short, for the row and the logs (no stack, no body). */
  private static String describe(Throwable failure) {
    String text = failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
  }
}
