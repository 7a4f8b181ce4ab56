package io.farthing.notify.inbox;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.notify.alert.UserAlert;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** A person's inbox: their in-app alerts, newest first, and what they have read. */
@ApplicationScoped
public class InboxService {
  public static final String ALERT_NOT_FOUND = "ALERT_NOT_FOUND";

  private final Pool pool;
  private final InboxRepository alerts;

  public InboxService(Pool pool, InboxRepository alerts) {
    this.pool = pool;
    this.alerts = alerts;
  }

  public record InboxPage(Page<UserAlert> page, long unreadCount) {}

  public Uni<InboxPage> page(UUID userId, String cursor, Integer limit, boolean unreadOnly) {
    int size = Page.limit(limit);
    String after = Page.afterKey(cursor);
    UUID before = after == null ? null : cursorId(after);
    return alerts
        .page(pool, userId, before, unreadOnly, size)
        .map(rows -> Page.of(rows, size, a -> a.id().toString(), a -> a))
        .chain(page -> alerts.unreadCount(pool, userId).map(unread -> new InboxPage(page, unread)));
  }

  /** Marks one of the caller's alerts read (again: no change); someone else's is not found. */
  public Uni<UserAlert> markRead(UUID userId, String alertId) {
    UUID id = Ids.parse(alertId, "id");
    return alerts
        .markRead(pool, userId, id)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such alert", ALERT_NOT_FOUND)));
  }

  public Uni<Integer> markAllRead(UUID userId) {
    return alerts.markAllRead(pool, userId);
  }

  public Uni<Long> unreadCount(UUID userId) {
    return alerts.unreadCount(pool, userId);
  }

  private static UUID cursorId(String key) {
    try {
      return UUID.fromString(key);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }
}
