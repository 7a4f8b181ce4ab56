package io.farthing.common.logging;

import io.farthing.common.ClientGone;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logging.Logger;
import org.jboss.logmanager.LogContext;

/**
 * The framework loggers that report a caller going away as an ERROR with a stack trace (Quarkus
 * REST's SSE writer: "Exception in SSE server handling, impossible to send it to client" with
 * "Broken pipe"; Quarkus's and Vert.x's last-resort handlers with "Connection was closed") get a
 * filter as the application starts: such a record becomes one DEBUG line of ours. Every other
 * record of theirs, a real SSE or HTTP failure included, is logged as before. A filter on the
 * logger, not on a handler, so no handler (console, JSON, a test's) ever sees the ERROR.
 */
@ApplicationScoped
public class ClientGoneLogs {
  static final List<String> CATEGORIES =
      List.of(
          "org.jboss.resteasy.reactive.server.handlers.PublisherResponseHandler",
          "io.quarkus.vertx.http.runtime.QuarkusErrorHandler",
          "io.quarkus.vertx.core.runtime.VertxCoreRecorder",
          "io.vertx.core.net.impl.ConnectionBase",
          "io.vertx.core.impl.ContextImpl");
  private static final Logger LOG = Logger.getLogger(ClientGoneLogs.class);

  void onStart(@Observes @Priority(2) StartupEvent event) {
    for (String category : CATEGORIES) {
      java.util.logging.Logger logger = LogContext.getLogContext().getLogger(category);
      logger.setFilter(new QuietWhenClientGone(logger.getFilter()));
    }
  }

  /** Drops a record whose failure is only the caller gone (see {@link ClientGone}), after a DEBUG line. */
  static final class QuietWhenClientGone implements Filter {
    private final Filter next;

    QuietWhenClientGone(Filter next) {
      this.next = next;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
      if (record.getThrown() != null && ClientGone.is(record.getThrown())) {
        LOG.debugf("The caller went away while %s was answering it (%s)", record.getLoggerName(), record.getThrown());
        return false;
      }
      return next == null || next.isLoggable(record);
    }
  }
}
