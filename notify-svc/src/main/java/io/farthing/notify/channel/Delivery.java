package io.farthing.notify.channel;

import io.farthing.notify.alert.UserAlert;
import java.util.UUID;

/**
 * One alert on its way through one channel: to whom, with what words. {@code alert} is the whole
 * alert for in-app delivery; outbound (email, SMS) deliveries carry only what their row holds.
 */
public record Delivery(UUID alertId, UUID userId, String recipient, String subject, String body, UserAlert alert) {

  public static Delivery inApp(UserAlert alert) {
    return new Delivery(alert.id(), alert.userId(), alert.userId().toString(), alert.title(), alert.body(), alert);
  }
}
