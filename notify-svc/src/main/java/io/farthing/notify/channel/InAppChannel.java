package io.farthing.notify.channel;

import io.farthing.notify.alert.AlertRelay;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The inbox row is written in the event's transaction; delivering in-app means pushing the
 * committed alert to the user's live streams on every replica.
 */
@ApplicationScoped
public class InAppChannel implements Channel {
  private final AlertRelay relay;

  public InAppChannel(AlertRelay relay) {
    this.relay = relay;
  }

  @Override
  public ChannelKind kind() {
    return ChannelKind.IN_APP;
  }

  @Override
  public Uni<Void> deliver(Delivery delivery) {
    relay.publish(delivery.alert());
    return Uni.createFrom().voidItem();
  }
}
