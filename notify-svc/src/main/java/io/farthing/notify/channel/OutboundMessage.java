package io.farthing.notify.channel;

import java.time.Instant;
import java.util.UUID;

/**
 * An email or SMS to send (table {@code outbound_messages}). {@code heldUntil} is set when quiet
 * hours held it; {@code attempts} counts claims and doubles as the claim token.
 */
public record OutboundMessage(
    UUID id,
    UUID alertId,
    UUID userId,
    ChannelKind channel,
    String recipient,
    String subject,
    String body,
    Instant dueAt,
    Instant heldUntil,
    int attempts) {

  public Delivery delivery() {
    return new Delivery(alertId, userId, recipient, subject, body, null);
  }
}
