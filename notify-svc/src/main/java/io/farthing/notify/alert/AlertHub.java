package io.farthing.notify.alert;

import io.farthing.common.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

  /**
   * One open stream. It emits only what its client asked for; the rest waits in a queue of its
   * own, bounded: live alerts that arrive while the replay is read wait in {@code held} (at most
   * {@code buffer}), and the queue holds at most {@code buffer + replay-max}. Past either bound the
   * stream is failed at once (the queue dropped) with SLOW_CONSUMER: the client resumes from the
   * inbox, where nothing is lost.
   */
  public final class Subscriber {
    private final UUID userId;
    private final MultiEmitter<? super UserAlert> emitter;
    private final ArrayDeque<UserAlert> queue = new ArrayDeque<>();
    private List<UserAlert> held = new ArrayList<>();
    private boolean closed;
    private boolean draining;
    private final List<Runnable> whenEnded = new ArrayList<>(1);

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
      if (queue.size() >= limits.buffer() + limits.replayMax()) {
        slow();
        return;
      }
      queue.add(alert);
      drain();
    }

    /** Queues the replayed alerts, then what arrived meanwhile (each once), then goes live. */
    public synchronized void live(List<UserAlert> replayed) {
      if (closed) {
        return;
      }
      Set<UUID> queued = new HashSet<>();
      for (UserAlert alert : replayed) {
        queue.add(alert);
        queued.add(alert.id());
      }
      List<UserAlert> waiting = held;
      held = null;
      for (UserAlert alert : waiting) {
        if (queued.add(alert.id())) {
          queue.add(alert);
        }
      }
      drain();
    }

    /** Emits as many queued alerts as the client asked for; never re-entered from its own emit. */
    synchronized void drain() {
      if (draining) {
        return;
      }
      draining = true;
      try {
        while (!closed && !queue.isEmpty() && emitter.requested() > 0) {
          emitter.emit(queue.poll());
          pushes.increment();
        }
      } finally {
        draining = false;
      }
    }

    private void slow() {
      closed = true;
      queue.clear();
      slowClosed.increment();
      emitter.fail(new ApiException(ApiException.Kind.RATE_LIMITED, SLOW_CONSUMER, "The stream fell behind; resume it"));
    }

    /** Runs {@code cleanup} when the stream ends, however it ends (an emitter keeps one handler). */
    public synchronized void whenEnded(Runnable cleanup) {
      whenEnded.add(cleanup);
    }

    private void ended() {
      List<Runnable> cleanups;
      synchronized (this) {
        cleanups = List.copyOf(whenEnded);
        whenEnded.clear();
      }
      cleanups.forEach(Runnable::run);
    }

    /** Ends the stream normally (its token expired, or the replica is shutting down). */
    public void end() {
      replaced();
    }

    synchronized void replaced() {
      if (!closed) {
        closed = true;
        queue.clear();
        emitter.complete();
      }
    }

    public UUID userId() {
      return userId;
    }
  }

  /**
   * Shutting down: ends every stream here (clients reconnect to another replica and resume with
   * Last-Event-ID), so open streams do not hold the graceful shutdown until its timeout. Fired
   * when the shutdown delay starts ({@code quarkus.shutdown.delay-enabled}).
   */
  void closeAll(@Observes ShutdownDelayInitiatedEvent shuttingDown) {
    List<Subscriber> all = new ArrayList<>();
    byUser.values().forEach(mine -> {
      synchronized (mine) {
        all.addAll(mine);
      }
    });
    all.forEach(Subscriber::replaced);
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
    emitter.onTermination(
        () -> {
          unregister(subscriber);
          subscriber.ended();
        });
    emitter.onRequest(n -> subscriber.drain());
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
