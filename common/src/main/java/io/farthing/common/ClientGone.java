package io.farthing.common;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Whether a failure is only the caller having gone away (closed the connection, or it was reset)
 * while the answer was being written: a person closing their alert stream, an app killed, a
 * network lost. It is an ordinary end of a request, not a fault: no ERROR, no incident, no stack
 * trace; a DEBUG line at most.
 */
public final class ClientGone {
  private static final int MAX_CAUSES = 32;

  private ClientGone() {}

  public static boolean is(Throwable failure) {
    Deque<Throwable> todo = new ArrayDeque<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    if (failure != null) {
      todo.add(failure);
    }
    while (!todo.isEmpty() && seen.size() < MAX_CAUSES) {
      Throwable t = todo.poll();
      if (!seen.add(t)) {
        continue;
      }
      if (t instanceof ClosedChannelException || t instanceof io.vertx.core.http.HttpClosedException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null) {
        if (t instanceof io.vertx.core.VertxException && message.equals("Connection was closed")) {
          return true;
        }
        // The kernel's words, as the JDK's and Netty's native transports pass them on.
        if (t instanceof IOException
            && (message.contains("Broken pipe") || message.contains("Connection reset by peer"))) {
          return true;
        }
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      Collections.addAll(todo, t.getSuppressed());
    }
    return false;
  }
}
