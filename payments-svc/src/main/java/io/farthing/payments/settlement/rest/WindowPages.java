package io.farthing.payments.settlement.rest;

import io.farthing.common.Page;
import io.farthing.payments.settlement.SettlementService.WindowCursor;
import io.farthing.payments.settlement.SettlementWindow;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** REST pages of settlement windows: {@code limit} 1-100 (default 20) and an opaque {@code cursor}. */
final class WindowPages {
  private WindowPages() {}

  static <T> Uni<Page<T>> page(
      Integer limit,
      String cursor,
      BiFunction<WindowCursor, Integer, Uni<List<SettlementWindow>>> rows,
      Function<SettlementWindow, T> view) {
    int n = Page.limit(limit);
    String key = Page.afterKey(cursor);
    WindowCursor after = key == null ? null : WindowCursor.parse(key, "INVALID_CURSOR");
    return rows.apply(after, n + 1).map(found -> Page.of(found, n, w -> WindowCursor.of(w).encode(), view));
  }
}
