package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** SMS through the configured {@link SmsSender}: the alert's title and body, kept short. */
@ApplicationScoped
public class SmsChannel implements Channel {
  /** Three concatenated SMS segments at most. */
  static final int MAX_LENGTH = 459;

  private final SmsSender sender;

  public SmsChannel(SmsSender sender) {
    this.sender = sender;
  }

  @Override
  public ChannelKind kind() {
    return ChannelKind.SMS;
  }

  @Override
  public Uni<Void> deliver(Delivery delivery) {
    String text = delivery.body();
    if (text.length() > MAX_LENGTH) {
      text = text.substring(0, MAX_LENGTH - 1) + "\u2026";
    }
    return sender.send(delivery.recipient(), text);
  }
}
