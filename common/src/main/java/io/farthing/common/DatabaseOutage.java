package io.farthing.common;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;

/**
 * Whether a failure is the database going away under a call — its connection closed, refused, the
 * server shutting down or still recovering, or out of a resource (connections, memory, disk) —
 * rather than a fault of the call. Such a failure
 * is answered UNAVAILABLE / 503 (retry with the same idempotency key), not INTERNAL: the call's
 * transaction did not commit (or, if the commit's answer was what got lost, the key records it and
 * the retry replays it), and its key was released for the retry.
 */
public final class DatabaseOutage {
  private DatabaseOutage() {}

  public static boolean is(Throwable failure) {
    return Causes.anyMatch(failure, t -> t instanceof ClosedConnectionException || t instanceof ConnectException
        || t instanceof DatabaseException db && unavailableState(db.getSqlState()));
  }

  /**
   * SQLSTATE class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
   * connect now: the server is starting or recovering) and class 53 (insufficient resources: 53300
   * too many clients, 53200 out of memory, 53100 disk full, 53400 a configured limit): the server
   * refused for want of a resource that comes back, not because of what the call asked.
   */
  private static boolean unavailableState(String state) {
    return state != null
        && (state.startsWith("08")
            || state.startsWith("53")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  /** The answer to give instead of an internal error. */
  public static ApiException answer() {
    return ApiException.unavailable("The database is unavailable for a moment; retry with the same idempotency key");
  }
}
