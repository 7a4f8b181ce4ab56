package io.farthing.common.logging;

import java.time.Instant;
import java.util.Map;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * One JSON object per line: time, level, logger, thread, message, MDC (trace ids), and the class
 * of a thrown exception, never its stack trace. Written here rather than using JBoss LogManager's
 * JsonFormatter, which needs a JSON-P implementation its class loader cannot see in a packaged
 * Quarkus application.
 */
public final class JsonLineFormatter extends ExtFormatter {
  private final String service;

  public JsonLineFormatter(String service) {
    this.service = service;
  }

  @Override
  public String format(ExtLogRecord record) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "timestamp", Instant.ofEpochMilli(record.getMillis()).toString()).append(',');
    field(json, "level", record.getLevel().getName()).append(',');
    field(json, "service", service).append(',');
    field(json, "logger", record.getLoggerName()).append(',');
    field(json, "thread", record.getThreadName()).append(',');
    field(json, "message", formatMessage(record));
    Map<String, String> mdc = record.getMdcCopy();
    for (Map.Entry<String, String> entry : mdc.entrySet()) {
      field(json.append(','), entry.getKey(), entry.getValue());
    }
    if (record.getThrown() != null) {
      field(json.append(','), "exception", record.getThrown().getClass().getName());
    }
    return json.append("}\n").toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    quote(json, name).append(':');
    return value == null ? json.append("null") : quote(json, value);
  }

  static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
