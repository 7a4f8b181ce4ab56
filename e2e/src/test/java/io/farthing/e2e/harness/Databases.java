package io.farthing.e2e.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The suite's databases ({@code farthing_<svc>} + a suffix), read over JDBC for what no public
 * API shows: which events notify-svc stored, which outbox rows payments-svc still holds. Tests
 * only read; every change goes through the services.
 */
public final class Databases {
  private final String suffix;

  Databases(String suffix) {
    if (!suffix.matches("[a-z0-9_]{1,30}")) {
      throw new IllegalArgumentException("farthing.e2e.db-suffix must be lowercase letters, digits and _: " + suffix);
    }
    this.suffix = suffix;
  }

  /** The database of {@code service} ("auth", "payments", "risk", "notify") in this suite. */
  public String name(String service) {
    return "farthing_" + service + suffix;
  }

  /** The first column of every row, as text. */
  public List<String> strings(String service, String sql, Object... params) {
    List<String> out = new ArrayList<>();
    query(service, sql, params, rs -> out.add(rs.getString(1)));
    return out;
  }

  /** The first column of the first row, as a number (a count). */
  public long number(String service, String sql, Object... params) {
    List<Long> out = new ArrayList<>();
    query(service, sql, params, rs -> out.add(rs.getLong(1)));
    if (out.isEmpty()) {
      throw new AssertionError("no row from " + sql);
    }
    return out.get(0);
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private void query(String service, String sql, Object[] params, RowReader reader) {
    Properties login = new Properties();
    login.setProperty("user", Suite.Db.USER);
    if (!Suite.Db.PASSWORD.isEmpty()) {
      login.setProperty("password", Suite.Db.PASSWORD);
    }
    String url = "jdbc:postgresql://" + Suite.Db.HOST + ":" + Suite.Db.PORT + "/" + name(service);
    try (Connection c = DriverManager.getConnection(url, login);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query on " + name(service) + " failed: " + e.getMessage(), e);
    }
  }
}
