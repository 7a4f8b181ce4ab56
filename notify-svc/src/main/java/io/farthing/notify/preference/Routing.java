package io.farthing.notify.preference;

import io.farthing.notify.channel.ChannelKind;
import io.farthing.notify.event.EventTypes;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * Where one alert goes and when: the decision made for each event, from the user's preferences,
 * their contacts and quiet hours. Pure, so every rule is tested without a database.
 *
 * <ul>
 *   <li>Security alerts go to every channel the user has a contact for, at once, whatever they
 *       chose: in-app, email (the account's address from the event, else the alert address they
 *       set) and SMS (their number).
 *   <li>Otherwise the chosen channels, each only if its contact is known; during quiet hours
 *       email and SMS are due when the quiet period ends.
 * </ul>
 */
public record Routing(boolean inApp, String email, String phone, Instant dueAt, Instant heldUntil) {

  public boolean isEmpty() {
    return !inApp && email == null && phone == null;
  }

  public static Routing decide(String type, JsonObject data, Preferences preferences, Instant now) {
    if (EventTypes.isSecurity(type)) {
      String accountEmail = data == null ? null : data.getString("email");
      String email = accountEmail != null && !accountEmail.isBlank() ? accountEmail : preferences.email();
      return new Routing(true, email, preferences.phone(), now, null);
    }
    Set<ChannelKind> chosen = preferences.channelsFor(type);
    String email = chosen.contains(ChannelKind.EMAIL) ? preferences.email() : null;
    String phone = chosen.contains(ChannelKind.SMS) ? preferences.phone() : null;
    Instant held = null;
    if ((email != null || phone != null) && preferences.quietHours() != null) {
      held = preferences.quietHours().heldUntil(now).orElse(null);
    }
    return new Routing(chosen.contains(ChannelKind.IN_APP), email, phone, held != null ? held : now, held);
  }
}
