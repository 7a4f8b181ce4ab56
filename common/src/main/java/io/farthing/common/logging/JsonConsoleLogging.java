package io.farthing.common.logging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Handler;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.LogManager;

/**
 * One JSON object per log line in production, for log collectors. (The quarkus-logging-json
 * extension does not resolve at the pinned Quarkus version, so the console handler's formatter is
 * swapped for {@link JsonLineFormatter} as the application starts.)
 */
@ApplicationScoped
public class JsonConsoleLogging {

  void onStart(
      @Observes @Priority(1) StartupEvent event,
      @ConfigProperty(name = "farthing.log.json", defaultValue = "false") boolean json,
      @ConfigProperty(name = "quarkus.application.name") String service) {
    if (!json) {
      return;
    }
    JsonLineFormatter formatter = new JsonLineFormatter(service);
    for (Handler handler : LogManager.getLogManager().getLogger("").getHandlers()) {
      replaceFormatter(handler, formatter);
    }
  }

  private static void replaceFormatter(Handler handler, JsonLineFormatter formatter) {
    if (handler instanceof org.jboss.logmanager.ExtHandler ext) {
      for (Handler child : ext.getHandlers()) {
        replaceFormatter(child, formatter);
      }
    }
    if (handler instanceof org.jboss.logmanager.handlers.ConsoleHandler) {
      handler.setFormatter(formatter);
    }
  }
}
