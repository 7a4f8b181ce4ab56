package io.farthing.testing;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import java.util.List;

/**
 * Reads and writes rows directly, through the application's own reactive datasource, for
 * arranging states the API cannot reach (an admin role) and for checking what was stored.
 * Parameters are positional: ?1, ?2, ...
 */
public final class Sql {
  private Sql() {}

  public static List<Object[]> rows(String sql, Object... params) {
    return await(
        () ->
            Panache.withSession(
                () ->
                    Panache.getSession()
                        .chain(session -> {
                          var query = session.createNativeQuery(sql);
                          for (int i = 0; i < params.length; i++) {
                            query.setParameter(i + 1, params[i]);
                          }
                          return query.getResultList();
                        })
                        .map(Sql::asRows)));
  }

  /** A one-column result comes back as bare values; every row becomes an array here. */
  private static List<Object[]> asRows(List<?> results) {
    return results.stream().map(r -> r instanceof Object[] a ? a : new Object[] {r}).toList();
  }

  public static Object[] row(String sql, Object... params) {
    List<Object[]> rows = rows(sql, params);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
    }
    return rows.get(0);
  }

  public static long count(String sql, Object... params) {
    return ((Number) row(sql, params)[0]).longValue();
  }

  public static int update(String sql, Object... params) {
    return await(
        () ->
            Panache.withTransaction(
                () ->
                    Panache.getSession()
                        .chain(session -> {
                          var query = session.createNativeQuery(sql);
                          for (int i = 0; i < params.length; i++) {
                            query.setParameter(i + 1, params[i]);
                          }
                          return query.executeUpdate();
                        })));
  }

  /** Runs reactive work on a Vert.x context and waits for it: for arranging and checking. */
  public static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
    try {
      return VertxContextSupport.subscribeAndAwait(work);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
