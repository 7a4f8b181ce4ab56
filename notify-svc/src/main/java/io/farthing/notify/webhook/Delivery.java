package io.farthing.notify.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One delivery (an event, or a digest batch) to one endpoint, with its attempts: the delivery log. */
public record Delivery(
    UUID id,
    UUID endpointId,
    String partnerClientId,
    DeliveryMode kind,
    List<UUID> eventIds,
    String eventType,
    Status status,
    int attemptCount,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant deliveredAt,
    Instant parkedAt,
    String parkedReason,
    List<Attempt> attempts) {

  /**
   * COLLECTING (a digest's open window) → PENDING when the window closes; PENDING → DELIVERED on a
   * 2xx, → PENDING again after a failed attempt (backoff), → PARKED after the last attempt or when
   * the endpoint is disabled; PARKED or DELIVERED → PENDING on a replay (a new cycle). The
   * dispatcher's and the replay's UPDATE statements are the only writers of these transitions.
   */
  public enum Status {
    COLLECTING,
    PENDING,
    DELIVERED,
    PARKED
  }

  /** One try: its HTTP status (null when none came back) or the class of error, and how long it took. */
  public record Attempt(int attemptNo, int cycle, Instant startedAt, Integer httpStatus, String errorClass, long latencyMs) {}

  /** The value of webhook-id: the event id per event, the batch id for a digest. */
  public String webhookId() {
    return kind == DeliveryMode.PER_EVENT ? eventIds.get(0).toString() : id.toString();
  }
}
