package io.farthing.notify.alert;

import io.farthing.common.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live streams open on this replica, by user. Bounded everywhere: streams per user (a new one
 * closes the oldest), streams per replica (past it new ones are refused), alerts waiting for one
 * stream (past it the stream is closed as a slow consumer; the client resumes from the inbox).
 */
@ApplicationScoped
public class AlertHub {
  /** A stream that fell too far behind; it resumes with Last-Event-ID / after_alert_id. */
  public static final String SLOW_CONSUMER = "SLOW_CONSUMER";
  public static final String TOO_MANY_STREAMS = "TOO_MANY_STREAMS";

  private final ConcurrentHashMap<UUID, Deque<Subscriber>> byUser = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AlertsConfig.Stream limits;
  private final Counter pushes;
  private final Counter slowClosed;

  public AlertHub(AlertsConfig config, MeterRegistry meters) {
    this.limits = config.stream();
    this.pushes = Counter.builder("farthing.notify.alerts.live.pushes").description("Alerts written to live streams").register(meters);
    this.slowClosed =
        Counter.builder("farthing.notify.alerts.stream.slow.closed")
            .description("Streams closed because their client did not keep up")
            .register(meters);
    Gauge.builder("farthing.notify.alerts.stream.subscribers", open, AtomicInteger::get)
        .description("Live alert streams open on this replica")
        .register(meters);
  }

  /** One open stream: holds live alerts while its replay is read, then forwards them. */
  public final class Subscriber {
    private final UUID userId;
    private final MultiEmitter<? super UserAlert> emitter;
    private List<UserAlert> held = new ArrayList<>();
    private boolean closed;

    private Subscriber(UUID userId, MultiEmitter<? super UserAlert> emitter) {
      this.userId = userId;
      this.emitter = emitter;
    }

    synchronized void offer(UserAlert alert) {
      if (closed || emitter.isCancelled()) {
        return;
      }
      if (held != null) {
        if (held.size() >= limits.buffer()) {
          slow();
          return;
        }
        held.add(alert);
        return;
      }
      // The emitter's own buffer is bounded: it fails the stream (BackPressureFailure) when full.
      emitter.emit(alert);
      pushes.increment();
    }

    /** Sends the replayed alerts, then what arrived meanwhile (each once), then goes live. */
    public synchronized void live(List<UserAlert> replayed) {
      if (closed) {
        return;
      }
      Set<UUID> sent = new HashSet<>();
      for (UserAlert alert : replayed) {
        emitter.emit(alert);
        sent.add(alert.id());
      }
      List<UserAlert> waiting = held;
      held = null;
      for (UserAlert alert : waiting) {
        if (sent.add(alert.id())) {
          emitter.emit(alert);
          pushes.increment();
        }
      }
    }

    private void slow() {
      closed = true;
      slowClosed();
      emitter.fail(new ApiException(ApiException.Kind.RATE_LIMITED, SLOW_CONSUMER, "The stream fell behind; resume it"));
    }

    synchronized void replaced() {
      if (!closed) {
        closed = true;
        emitter.complete();
      }
    }

    public UUID userId() {
      return userId;
    }
  }

  /** Counts a stream closed for falling behind. */
  public void slowClosed() {
    slowClosed.increment();
  }

  /** Registers a stream for {@code userId}; the caller calls {@link Subscriber#live} next. */
  public Subscriber register(UUID userId, MultiEmitter<? super UserAlert> emitter) {
    if (open.incrementAndGet() > limits.maxTotal()) {
      open.decrementAndGet();
      throw new ApiException(ApiException.Kind.UNAVAILABLE, TOO_MANY_STREAMS, "This replica has too many open streams; retry shortly");
    }
    Subscriber subscriber = new Subscriber(userId, emitter);
    Subscriber oldest = null;
    Deque<Subscriber> mine = byUser.computeIfAbsent(userId, id -> new ArrayDeque<>());
    synchronized (mine) {
      mine.addLast(subscriber);
      if (mine.size() > limits.maxPerUser()) {
        oldest = mine.pollFirst();
      }
    }
    if (oldest != null) {
      unregistered(oldest);
      oldest.replaced();
    }
    emitter.onTermination(() -> unregister(subscriber));
    return subscriber;
  }

  private void unregister(Subscriber subscriber) {
    Deque<Subscriber> mine = byUser.get(subscriber.userId);
    if (mine == null) {
      return;
    }
    boolean removed;
    synchronized (mine) {
      removed = mine.remove(subscriber);
      if (mine.isEmpty()) {
        byUser.remove(subscriber.userId, mine);
      }
    }
    if (removed) {
      open.decrementAndGet();
    }
  }

  private void unregistered(Subscriber evicted) {
    open.decrementAndGet();
    Deque<Subscriber> mine = byUser.get(evicted.userId);
    if (mine != null) {
      synchronized (mine) {
        if (mine.isEmpty()) {
          byUser.remove(evicted.userId, mine);
        }
      }
    }
  }

  /** Hands {@code alert} to every stream its user has open here. */
  public void deliver(UserAlert alert) {
    Deque<Subscriber> mine = byUser.get(alert.userId());
    if (mine == null) {
      return;
    }
    List<Subscriber> targets;
    synchronized (mine) {
      targets = List.copyOf(mine);
    }
    targets.forEach(s -> s.offer(alert));
  }

  /** Streams {@code userId} has open on this replica (for tests and diagnostics). */
  public int streams(UUID userId) {
    Deque<Subscriber> mine = byUser.get(userId);
    if (mine == null) {
      return 0;
    }
    synchronized (mine) {
      return mine.size();
    }
  }

  public int open() {
    return open.get();
  }
}
