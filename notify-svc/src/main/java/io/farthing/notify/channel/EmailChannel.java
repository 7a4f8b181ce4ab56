package io.farthing.notify.channel;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Email over SMTP (quarkus-mailer; {@code quarkus.mailer.*} says where, and from whom). */
@ApplicationScoped
public class EmailChannel implements Channel {
  private final ReactiveMailer mailer;

  public EmailChannel(ReactiveMailer mailer) {
    this.mailer = mailer;
  }

  @Override
  public ChannelKind kind() {
    return ChannelKind.EMAIL;
  }

  @Override
  public Uni<Void> deliver(Delivery delivery) {
    Mail mail = Mail.withText(delivery.recipient(), delivery.subject(), delivery.body());
    mail.addHeader("X-Farthing-Alert-Id", delivery.alertId().toString());
    return mailer.send(mail);
  }
}
