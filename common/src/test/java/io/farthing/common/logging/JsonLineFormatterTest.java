package io.farthing.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class JsonLineFormatterTest {
  private final JsonLineFormatter formatter = new JsonLineFormatter("auth-svc");

  @Test
  void writesOneParsableJsonObjectPerLineEvenForHostileMessages() throws Exception {
    ExtLogRecord record = new ExtLogRecord(Level.WARNING, "quote \" backslash \\ newline \n tab \t bell \u0007", "x");
    record.setLoggerName("io.farthing.test");
    String line = formatter.format(record);

    assertTrue(line.endsWith("}\n"));
    assertEquals(1, line.chars().filter(c -> c == '\n').count());
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("WARNING", json.get("level").asText());
    assertEquals("auth-svc", json.get("service").asText());
    assertEquals("quote \" backslash \\ newline \n tab \t bell \u0007", json.get("message").asText());
  }

  @Test
  void namesTheExceptionWithoutItsStackTrace() throws Exception {
    ExtLogRecord record = new ExtLogRecord(Level.SEVERE, "failed", "x");
    record.setThrown(new IllegalStateException("secret detail"));
    String line = formatter.format(record);

    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("java.lang.IllegalStateException", json.get("exception").asText());
    assertFalse(line.contains("secret detail"));
    assertFalse(line.contains("at io."));
  }
}
