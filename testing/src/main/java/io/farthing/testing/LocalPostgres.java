package io.farthing.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Makes sure a service's test database exists on the local PostgreSQL before Quarkus starts (no
 * Dev Services here); Flyway then cleans and migrates it. Each service subclasses it with its
 * default database name; {@code FARTHING_TEST_DB} overrides it (so two checkouts can test at once).
 */
public abstract class LocalPostgres implements QuarkusTestResourceLifecycleManager {
  private final String defaultDatabase;

  protected LocalPostgres(String defaultDatabase) {
    this.defaultDatabase = defaultDatabase;
  }

  @Override
  public Map<String, String> start() {
    String host = env("FARTHING_DB_HOST", "127.0.0.1");
    String port = env("FARTHING_DB_PORT", "5432");
    String user = env("FARTHING_DB_USER", "postgres");
    String password = env("FARTHING_DB_PASSWORD", "");
    String database = env("FARTHING_TEST_DB", defaultDatabase);
    String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
    try (Connection connection = DriverManager.getConnection(url, user, password);
        PreparedStatement exists =
            connection.prepareStatement("select 1 from pg_database where datname = ?")) {
      exists.setString(1, database);
      try (ResultSet rows = exists.executeQuery()) {
        if (!rows.next()) {
          connection.createStatement().execute("CREATE DATABASE \"" + database + "\"");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL is not reachable at " + host + ":" + port + " (start it: see README)", e);
    }
    return Map.of();
  }

  @Override
  public void stop() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
