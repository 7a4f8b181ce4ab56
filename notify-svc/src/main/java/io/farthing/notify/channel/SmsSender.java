package io.farthing.notify.channel;

import io.smallrye.mutiny.Uni;

/** Sends one text message to an E.164 number; a failed Uni is retried by the outbound worker. */
public interface SmsSender {
  Uni<Void> send(String to, String body);

  /** A number as logs may show it: the country code and the last two digits. */
  static String masked(String number) {
    if (number == null || number.length() < 6) {
      return "***";
    }
    return number.substring(0, 3) + "*".repeat(number.length() - 5) + number.substring(number.length() - 2);
  }
}
