package io.farthing.payments.statement;

import java.util.List;

/**
 * RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF (or
 * leading/trailing space), quotes doubled inside. Free text that a spreadsheet would run as a
 * formula (starting with = + - @ tab or CR) is prefixed with an apostrophe: descriptions and names
 * come from partners, and a statement must not run their formulas.
 */
public final class Csv {
  public static final String MEDIA_TYPE = "text/csv";

  private Csv() {}

  public static void row(StringBuilder out, List<?> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields.get(i)));
    }
    out.append("\r\n");
  }

  /** Free text as a field value that cannot become a formula. */
  public static String text(String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    char first = value.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
        ? "'" + value
        : value;
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\r') >= 0
            || text.indexOf('\n') >= 0
            || (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' '));
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
