package io.farthing.auth.support;

import io.farthing.auth.common.Scopes;
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
import jakarta.annotation.security.RolesAllowed;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * notify-svc behind its gRPC contract, served by the test app: records published events,
 * idempotent by event id, and like notify-svc only for a caller whose token carries
 * {@code notify:publish} (so the token auth-svc signs for itself is checked for real).
 */
@GrpcService
public class FakeNotify implements Notify {
  public static final Map<String, Event> EVENTS = new ConcurrentHashMap<>();
  /** While positive, Publish fails UNAVAILABLE and counts down. */
  public static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

  @Override
  @RolesAllowed(Scopes.NOTIFY_PUBLISH)
  public Uni<PublishResponse> publish(PublishRequest request) {
    if (FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException());
    }
    boolean duplicate = EVENTS.putIfAbsent(request.getEvent().getEventId(), request.getEvent()) != null;
    return Uni.createFrom().item(PublishResponse.newBuilder().setDuplicate(duplicate).build());
  }

  @Override
  public Multi<Alert> streamAlerts(StreamAlertsRequest request) {
    return Multi.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
