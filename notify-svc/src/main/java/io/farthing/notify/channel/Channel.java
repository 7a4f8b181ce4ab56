package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;

/**
 * One way of reaching a person. In-app delivers at once after the event's transaction commits;
 * email and SMS are sent by the {@link OutboundWorker} from rows written in that transaction, at
 * least once, with retries. A failed Uni means "try again later".
 */
public interface Channel {
  ChannelKind kind();

  Uni<Void> deliver(Delivery delivery);
}
