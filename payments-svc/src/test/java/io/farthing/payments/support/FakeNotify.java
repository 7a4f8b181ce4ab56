package io.farthing.payments.support;

import io.farthing.proto.notify.v1.Alert;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.Notify;
import io.farthing.proto.notify.v1.PublishRequest;
import io.farthing.proto.notify.v1.PublishResponse;
import io.farthing.proto.notify.v1.StreamAlertsRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * notify-svc behind its gRPC contract: records published events, idempotent by event id, and
 * what a relay test needs to judge the publisher: how often each event id arrived, the order in
 * which each key's events arrived, and whether two calls for one key ever overlapped.
 */
@GrpcService
public class FakeNotify implements Notify {
  public static final Map<String, Event> EVENTS = new ConcurrentHashMap<>();
  /** While positive, Publish fails UNAVAILABLE and counts down. */
  public static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
  /** Publish of these event ids fails UNAVAILABLE (until removed). */
  public static final Set<String> FAILING_EVENT_IDS = ConcurrentHashMap.newKeySet();
  /** How long each Publish takes to answer (0: at once), to make overlapping calls likely. */
  public static final AtomicLong DELAY_MS = new AtomicLong();
  /** Every Publish call per event id, duplicates included. */
  public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  /** The sequences of each ordering key's events in the order they arrived. */
  public static final Map<String, List<Long>> ARRIVALS = new ConcurrentHashMap<>();
  /** Calls that started while another call for the same ordering key was still open. */
  public static final AtomicInteger OVERLAPS_PER_KEY = new AtomicInteger();

  private static final Set<String> OPEN_KEYS = ConcurrentHashMap.newKeySet();

  @Override
  public Uni<PublishResponse> publish(PublishRequest request) {
    Event event = request.getEvent();
    if (FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || FAILING_EVENT_IDS.contains(event.getEventId())) {
      return Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException());
    }
    String key = event.getOrderingKey();
    if (!OPEN_KEYS.add(key)) {
      OVERLAPS_PER_KEY.incrementAndGet();
    }
    CALLS.computeIfAbsent(event.getEventId(), id -> new AtomicInteger()).incrementAndGet();
    ARRIVALS.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(event.getSequence());
    boolean duplicate = EVENTS.putIfAbsent(event.getEventId(), event) != null;
    long delay = DELAY_MS.get();
    Uni<PublishResponse> answer = Uni.createFrom().item(PublishResponse.newBuilder().setDuplicate(duplicate).build());
    if (delay > 0) {
      answer = answer.onItem().delayIt().by(Duration.ofMillis(delay));
    }
    return answer.eventually(() -> OPEN_KEYS.remove(key));
  }

  @Override
  public Multi<Alert> streamAlerts(StreamAlertsRequest request) {
    return Multi.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
