package io.farthing.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * One page of a keyset-paged list. The cursor is the last item's key, base64url-encoded so
 * callers treat it as opaque; pages never skip or repeat rows when others are inserted.
 */
public record Page<T>(List<T> items, String nextCursor) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  private static final int MAX_CURSOR_LENGTH = 200;

  /** The caller's page size: default 20, at most 100. */
  public static int limit(Integer requested) {
    if (requested == null) {
      return DEFAULT_LIMIT;
    }
    if (requested < 1 || requested > MAX_LIMIT) {
      throw ApiException.invalid("limit must be between 1 and " + MAX_LIMIT, "INVALID_LIMIT");
    }
    return requested;
  }

  /**
   * The page size as a query string sent it: default 20, at most 100; not a number is
   * INVALID_LIMIT (400), never the framework's 404 for a parameter it cannot convert.
   */
  public static int limit(String requested) {
    if (requested == null || requested.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      return limit(Integer.valueOf(requested));
    } catch (NumberFormatException e) {
      throw ApiException.invalid("limit must be between 1 and " + MAX_LIMIT, "INVALID_LIMIT");
    }
  }

  /** The id a cursor of id-keyed pages stands for, or null for the first page. */
  public static UUID afterId(String cursor, String reason) {
    String key;
    try {
      key = afterKey(cursor);
    } catch (ApiException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", reason);
    }
    if (key == null) {
      return null;
    }
    try {
      return UUID.fromString(key);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", reason);
    }
  }

  /** The key a cursor stands for, or null for the first page. */
  public static String afterKey(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      if (cursor.length() > MAX_CURSOR_LENGTH) {
        throw new IllegalArgumentException("too long");
      }
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }

  /**
   * Builds a page from up to {@code limit + 1} rows: the extra row only tells whether another
   * page exists.
   */
  public static <R, T> Page<T> of(List<R> rows, int limit, Function<R, String> key, Function<R, T> view) {
    boolean more = rows.size() > limit;
    List<R> shown = more ? rows.subList(0, limit) : rows;
    String next = more ? encode(key.apply(shown.get(shown.size() - 1))) : null;
    return new Page<>(shown.stream().map(view).toList(), next);
  }

  private static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }
}
