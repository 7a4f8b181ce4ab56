package io.farthing.notify.channel;

import io.farthing.notify.alert.AlertsConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Chooses the SMS sender from {@code notify.alerts.sms.sender}: {@code log} or {@code http}. */
public class SmsSenders {
  @Produces
  @ApplicationScoped
  SmsSender sender(AlertsConfig config, Vertx vertx) {
    AlertsConfig.Sms sms = config.sms();
    return switch (sms.sender()) {
      case "log" -> new LoggingSmsSender();
      case "http" ->
          new HttpSmsSender(
              WebClient.create(vertx, new WebClientOptions().setUserAgent("farthing-notify").setFollowRedirects(false)),
              sms.httpUrl()
                  .filter(url -> !url.isBlank())
                  .orElseThrow(() -> new IllegalStateException("notify.alerts.sms.http-url is required for the http sender")),
              sms.httpApiKey().orElse(null),
              config.outbound().sendTimeout());
      default -> throw new IllegalStateException("notify.alerts.sms.sender must be log or http, not " + sms.sender());
    };
  }
}
