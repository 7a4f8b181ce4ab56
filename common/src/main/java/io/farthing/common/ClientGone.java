package io.farthing.common;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Whether a failure is only the caller having gone away (closed the connection, or it was reset)
 * while the answer was being written: a person closing their alert stream, an app killed, a
 * network lost. It is an ordinary end of a request, not a fault: no ERROR, no incident, no stack
 * trace; a DEBUG line at most.
 */
public final class ClientGone {

  private ClientGone() {}

  public static boolean is(Throwable failure) {
    return Causes.anyMatch(failure, ClientGone::saysGone);
  }

  private static boolean saysGone(Throwable t) {
    if (t instanceof ClosedChannelException || t instanceof io.vertx.core.http.HttpClosedException) {
      return true;
    }
    String message = t.getMessage();
    if (message == null) {
      return false;
    }
    if (t instanceof io.vertx.core.VertxException && message.equals("Connection was closed")) {
      return true;
    }
    // The kernel's words, as the JDK's and Netty's native transports pass them on.
    return t instanceof IOException && (message.contains("Broken pipe") || message.contains("Connection reset by peer"));
  }
}
