package io.farthing.notify.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A person closing their alert stream is the ordinary end of it, not an error: nothing is logged
 * at ERROR, no stack trace at INFO or above, and the stream is let go.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class ClosedStreamTest {
  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject AlertHub hub;

  /** Every record logged while it is attached to the root logger. */
  static final class Captured extends Handler implements AutoCloseable {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final java.util.logging.Logger root = org.jboss.logmanager.LogContext.getLogContext().getLogger("");

    Captured() {
      root.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      root.removeHandler(this);
    }

    /** ERROR records, and records at INFO or above that carry a stack trace. */
    List<String> errorsOrStackTraces() {
      return records.stream()
          .filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()
              || (r.getThrown() != null && r.getLevel().intValue() >= Level.INFO.intValue()))
          .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
              + (r.getThrown() == null ? "" : " / " + r.getThrown()))
          .toList();
    }
  }

  /**
   * Opens the stream on a raw socket and drops the connection: once ": connected" was read, or
   * (waitForConnected false) right after sending the request, before the server answered.
   */
  private void openAndDrop(UUID user, boolean reset, boolean waitForConnected) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v1/alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
              + "Authorization: Bearer " + TestTokens.user(user, "user") + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (!waitForConnected) {
        if (reset) {
          socket.setSoLinger(true, 0);
        }
        return;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(": connected") || line.startsWith(":connected")) {
          break;
        }
      }
      if (reset) {
        socket.setSoLinger(true, 0); // RST instead of FIN: an app killed or a network gone
      }
    }
  }

  @Test
  void closingTheStreamLogsNoErrorAndReleasesIt() throws Exception {
    UUID user = Ids.newId();
    try (Captured log = new Captured()) {
      openAndDrop(user, false, true);
      openAndDrop(user, true, true);
      openAndDrop(user, false, false);
      openAndDrop(user, true, false);
      for (int i = 0; i < 20; i++) {
        openAndDrop(user, i % 2 == 0, i % 4 < 2);
      }
      // Heartbeats run every 400 ms in tests: let several try to write to the closed connections.
      long deadline = System.currentTimeMillis() + 5_000;
      while (hub.streams(user) > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(1_500);
      assertEquals(0, hub.streams(user), "the closed streams are let go");
      List<String> loud = log.errorsOrStackTraces();
      assertTrue(loud.isEmpty(), "logged: " + loud);
    }
  }
}
