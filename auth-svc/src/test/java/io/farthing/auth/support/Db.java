package io.farthing.auth.support;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import java.util.UUID;

/** Direct database steps for arranging test data that has no public API (an admin's role). */
public final class Db {
  private Db() {}

  public static void promoteToAdmin(String userId) {
    execute("update users set roles = 'user,admin' where id = '" + UUID.fromString(userId) + "'");
  }

  public static void execute(String sql) {
    try {
      VertxContextSupport.subscribeAndAwait(
          () ->
              Panache.withTransaction(
                  () -> Panache.getSession().chain(s -> s.createNativeQuery(sql).executeUpdate())));
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  public static Object scalar(String sql) {
    try {
      return VertxContextSupport.subscribeAndAwait(
          () -> Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(sql).getSingleResult())));
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
