package io.farthing.notify.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** An event as notify-svc accepted it (table {@code events}); {@code data} is the publisher's. */
public record StoredEvent(
    UUID eventId,
    String type,
    UUID userId,
    String partnerClientId,
    String orderingKey,
    long sequence,
    Instant occurredAt,
    JsonObject data) {}
