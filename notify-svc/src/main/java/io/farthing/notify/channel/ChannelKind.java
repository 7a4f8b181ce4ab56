package io.farthing.notify.channel;

import java.util.Locale;
import java.util.Optional;

/** The ways an alert reaches a person; the wire names are what preferences use. */
public enum ChannelKind {
  /** The inbox and the live stream (SSE, gRPC StreamAlerts). */
  IN_APP,
  EMAIL,
  SMS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ChannelKind> fromWire(String name) {
    for (ChannelKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
