package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/** For development: logs that a text would be sent, with the number masked and no body. */
public class LoggingSmsSender implements SmsSender {
  private static final Logger LOG = Logger.getLogger(LoggingSmsSender.class);

  @Override
  public Uni<Void> send(String to, String body) {
    LOG.infof("SMS (not sent: notify.alerts.sms.sender=log) to %s, %d characters", SmsSender.masked(to), body.length());
    return Uni.createFrom().voidItem();
  }
}
