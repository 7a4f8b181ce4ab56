package io.farthing.notify.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A partner's webhook endpoint as stored (table webhook_endpoints); never carries a secret. */
public record Endpoint(
    UUID id,
    String partnerClientId,
    String url,
    String description,
    List<String> eventTypes,
    DeliveryMode mode,
    Long digestWindowMs,
    String contactEmail,
    boolean enabled,
    String disabledReason,
    Instant disabledAt,
    Instant createdAt,
    Instant updatedAt,
    Instant previousSecretExpiresAt) {

  public boolean subscribedTo(String type) {
    return eventTypes.isEmpty() || eventTypes.contains(type);
  }
}
