package io.farthing.payments.dispute;

import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Pages of disputes, newest first, keyed by id (REST cursors and gRPC page tokens alike). */
public final class DisputePages {
  private DisputePages() {}

  /** {@code rows} gets the id to list before (null: the newest) and how many rows to read. */
  public static <T> Uni<Page<T>> page(
      int limit, String cursor, String cursorReason, BiFunction<UUID, Integer, Uni<List<Dispute>>> rows,
      Function<Dispute, T> view) {
    UUID before = Page.afterId(cursor, cursorReason);
    return rows.apply(before, limit + 1).map(found -> Page.of(found, limit, d -> d.id().toString(), view));
  }

  /** A status filter as sent; null or empty: none. */
  public static DisputeStatus status(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return DisputeStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("status must be OPEN, UNDER_REVIEW, WON or LOST", "INVALID_STATUS");
    }
  }
}
