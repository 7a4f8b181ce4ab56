package io.farthing.e2e.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's databases ({@code farthing_<svc>} + a suffix), read over JDBC for what no public
 * API shows: which events notify-svc stored, which outbox rows payments-svc still holds. Tests
 * only read; every change goes through the services.
 */
public final class Databases {
  private final String suffix;
  private final Suite.Db server;

  Databases(String suffix, Suite.Db server) {
    if (!suffix.matches("[a-z0-9_]{1,30}")) {
      throw new IllegalArgumentException("farthing.e2e.db-suffix must be lowercase letters, digits and _: " + suffix);
    }
    this.suffix = suffix;
    this.server = server;
  }

  /** The database of {@code service} ("auth", "payments", "risk", "notify") in this suite. */
  public String name(String service) {
    return "farthing_" + service + suffix;
  }

  /** Every row, each column as text (null stays null), in the query's order. */
  public List<List<String>> rows(String service, String sql, Object... params) {
    List<List<String>> out = new ArrayList<>();
    query(service, sql, params, rs -> {
      int columns = rs.getMetaData().getColumnCount();
      List<String> row = new ArrayList<>(columns);
      for (int i = 1; i <= columns; i++) {
        row.add(rs.getString(i));
      }
      out.add(row);
    });
    return out;
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
    try (Connection c = server.connect(name(service));
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
