package io.farthing.common.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One pending outbox row as the relay hands it to a {@link OutboxRelay.Publisher}: what
 * farthing.notify.v1.Event carries. {@code dataJson} is the stored jsonb as text, so amounts stay
 * exact integers of minor units all the way to notify-svc.
 */
public record OutboxRecord(
    UUID id,
    String type,
    UUID userId,
    String partnerClientId,
    String orderingKey,
    long sequence,
    Instant occurredAt,
    String dataJson,
    int attempts) {}
