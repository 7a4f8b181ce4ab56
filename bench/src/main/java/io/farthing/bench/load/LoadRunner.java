package io.farthing.bench.load;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a {@link Target} according to a {@link LoadPlan}: warm-up, then measurement, then a
 * bounded wait for the calls still in flight. Nothing here blocks per call: the open loop's one
 * scheduling thread only sleeps until the next intended send time (and, at the in-flight bound,
 * for a free slot); the closed loop's callers are callbacks that send the next call when an answer
 * arrives.
 */
public final class LoadRunner {
  /** How far ahead of "now" the run starts, so that the first calls are not already late. */
  private static final long START_DELAY_NANOS = 50_000_000L;
  /** The error code of calls an open loop gave up sending (see {@link LoadPlan#maxLag}). */
  public static final String NOT_SENT = "NOT_SENT";

  private final LoadPlan plan;
  private final Target target;
  private final Results warmup = new Results();
  private final Results measured = new Results();
  private final Semaphore slots;
  private final AtomicLong slotWaits = new AtomicLong();
  private final AtomicLong seq = new AtomicLong();
  private final ThreadLocal<int[]> callDepth = ThreadLocal.withInitial(() -> new int[1]);
  private final ScheduledExecutorService timer;
  private volatile long measureStartNanos;
  private volatile long endNanos;
  private volatile boolean gaveUp;

  /** What a run produced. */
  public record Outcome(
      LoadPlan plan,
      Results warmup,
      Results measured,
      long measuredNanos,
      long slotWaits,
      boolean drained,
      boolean gaveUp,
      long startedAtEpochMillis) {}

  public LoadRunner(LoadPlan plan, Target target) {
    this.plan = plan;
    this.target = target;
    this.slots = new Semaphore(plan.concurrency());
    ThreadFactory daemons =
        r -> {
          Thread t = new Thread(r, "bench-timer");
          t.setDaemon(true);
          return t;
        };
    this.timer = Executors.newSingleThreadScheduledExecutor(daemons);
  }

  public Outcome run() throws InterruptedException {
    long startedAt = System.currentTimeMillis();
    long start = System.nanoTime() + START_DELAY_NANOS;
    measureStartNanos = start + plan.warmup().toNanos();
    endNanos = measureStartNanos + plan.duration().toNanos();
    scheduleIntervals();
    try {
      if (plan.openLoop()) {
        runOpen(new OpenLoopSchedule(
            start, plan.ratePerSecond(), plan.ramp() ? plan.warmup().toNanos() : 0, LoadPlan.RAMP_FROM));
      } else {
        runClosed(start);
        // The callers run on their own until the end; only then does the wait for stragglers begin.
        sleepUntil(endNanos);
      }
      boolean drained = slots.tryAcquire(plan.concurrency(), plan.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
      long doneAt = System.nanoTime();
      timer.shutdownNow();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      measured.tick(doneAt, measureStartNanos);
      return new Outcome(
          plan, warmup, measured, endNanos - measureStartNanos, slotWaits.get(), drained, gaveUp, startedAt);
    } finally {
      timer.shutdownNow();
    }
  }

  /** Per-second series of the measured phase, one tick a second from its start. */
  private void scheduleIntervals() {
    long delay = measureStartNanos - System.nanoTime();
    timer.schedule(
        () -> {
          long now = System.nanoTime();
          measured.startIntervals(now);
          timer.scheduleAtFixedRate(
              () -> measured.tick(System.nanoTime(), measureStartNanos),
              1_000_000_000L - (System.nanoTime() - now),
              1_000_000_000L,
              TimeUnit.NANOSECONDS);
        },
        Math.max(0, delay),
        TimeUnit.NANOSECONDS);
  }

  private void runOpen(OpenLoopSchedule schedule) throws InterruptedException {
    long count = schedule.countBefore(endNanos);
    long maxLagNanos = plan.maxLag().toNanos();
    for (long i = 0; i < count; i++) {
      long intended = schedule.intendedNanos(i);
      sleepUntil(intended);
      if (!slots.tryAcquire()) {
        slotWaits.incrementAndGet();
        slots.acquire();
      }
      long sent = System.nanoTime();
      if (sent - intended > maxLagNanos) {
        slots.release();
        giveUp(schedule, i, count);
        return;
      }
      Results phase = intended < measureStartNanos ? warmup : measured;
      phase.sentLate(sent - intended);
      target.call(i, new Tracker(phase, intended, sent, false));
    }
  }

  /** Counts calls {@code from}..{@code count - 1}, which will not be sent, as errors of their phase. */
  private void giveUp(OpenLoopSchedule schedule, long from, long count) {
    gaveUp = true;
    for (long j = from; j < count; j++) {
      (schedule.intendedNanos(j) < measureStartNanos ? warmup : measured).failed(NOT_SENT);
    }
  }

  private void runClosed(long start) throws InterruptedException {
    sleepUntil(start);
    for (int caller = 0; caller < plan.concurrency(); caller++) {
      slots.acquire();
      sendNext();
    }
  }

  /** A closed-loop caller's next call, or its end (its slot given back) once the time is up. */
  private void sendNext() {
    long now = System.nanoTime();
    if (now >= endNanos) {
      slots.release();
      return;
    }
    Results phase = now < measureStartNanos ? warmup : measured;
    target.call(seq.getAndIncrement(), new Tracker(phase, now, now, true));
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait;
    while ((wait = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Records one answer into its phase, then frees its slot or (closed loop) sends the next call. */
  private final class Tracker implements Target.Completion {
    private final Results phase;
    private final long intendedNanos;
    private final long sentNanos;
    private final boolean closedLoop;
    private volatile Results operation;
    private boolean reported;

    Tracker(Results phase, long intendedNanos, long sentNanos, boolean closedLoop) {
      this.phase = phase;
      this.intendedNanos = intendedNanos;
      this.sentNanos = sentNanos;
      this.closedLoop = closedLoop;
    }

    @Override
    public void operation(String name) {
      operation = phase.operation(name);
    }

    @Override
    public void succeeded(String outcome, String... flags) {
      if (once()) {
        long now = System.nanoTime();
        phase.succeeded(intendedNanos, sentNanos, now, outcome, flags);
        Results op = operation;
        if (op != null) {
          op.succeeded(intendedNanos, sentNanos, now, outcome, flags);
        }
        next();
      }
    }

    @Override
    public void failed(String code) {
      failed(code, null);
    }

    @Override
    public void failed(String code, String detail) {
      if (once()) {
        phase.failed(code);
        phase.failureDetail(code, detail);
        Results op = operation;
        if (op != null) {
          op.failed(code);
          op.failureDetail(code, detail);
        }
        next();
      }
    }

    private synchronized boolean once() {
      if (reported) {
        return false;
      }
      reported = true;
      return true;
    }

    private void next() {
      if (!closedLoop) {
        slots.release();
        return;
      }
      // A target that answers on the calling thread (a failure before anything is sent) would
      // otherwise recurse once per call: past a few levels, continue on the timer thread.
      int[] depth = callDepth.get();
      if (depth[0] > 8) {
        try {
          timer.execute(LoadRunner.this::sendNext);
        } catch (RejectedExecutionException lateAfterTheRun) {
          slots.release();
        }
        return;
      }
      depth[0]++;
      try {
        sendNext();
      } finally {
        depth[0]--;
      }
    }
  }
}
