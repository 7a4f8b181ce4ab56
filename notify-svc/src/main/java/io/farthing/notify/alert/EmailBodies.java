package io.farthing.notify.alert;

import io.farthing.notify.event.EventTypes;

/** The text of an alert email: the alert, then why the person receives it. */
final class EmailBodies {
  private EmailBodies() {}

  static String of(UserAlert alert) {
    String why =
        EventTypes.isSecurity(alert.type())
            ? "Security alerts are always sent, whatever your notification settings, so that you hear at once"
                + " when something happens to your account."
            : "You receive this email because you chose email alerts for this kind of activity. Change that in"
                + " Farthing under notification preferences.";
    return alert.body() + "\n\n--\n" + why + "\nAlert " + alert.id() + "\n";
  }
}
