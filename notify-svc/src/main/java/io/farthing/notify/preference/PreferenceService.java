package io.farthing.notify.preference;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.common.ApiException;
import io.farthing.notify.channel.ChannelKind;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and replaces a user's notification preferences. A PUT replaces the whole document, and
 * every field is checked before anything is written, so a refused request changes nothing.
 */
@ApplicationScoped
public class PreferenceService {
  public static final String INVALID_EMAIL = "INVALID_EMAIL";
  public static final String INVALID_PHONE = "INVALID_PHONE";
  public static final String INVALID_CHANNEL = "INVALID_CHANNEL";
  public static final String UNKNOWN_PREFERENCE_KEY = "UNKNOWN_PREFERENCE_KEY";
  public static final String INVALID_QUIET_HOURS = "INVALID_QUIET_HOURS";
  public static final String INVALID_TIME_ZONE = "INVALID_TIME_ZONE";
  public static final String MISSING_CONTACT = "MISSING_CONTACT";

  /** Deliberately plain: one @, no spaces, a dotted domain; the mail server has the last word. */
  private static final Pattern EMAIL =
      Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
  /** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
  private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
  private static final Pattern LOCAL_TIME = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");
  private static final int MAX_KEYS = 64;

  private final Pool pool;
  private final PreferenceRepository repository;

  public PreferenceService(Pool pool, PreferenceRepository repository) {
    this.pool = pool;
    this.repository = repository;
  }

  public Uni<Preferences> get(UUID userId) {
    return repository.find(pool, userId);
  }

  public Uni<Preferences> replace(UUID userId, JsonNode body) {
    Preferences wanted = parse(userId, body);
    return repository.save(pool, wanted);
  }

  /** The preferences a PUT body asks for, or an ApiException naming the first bad field. */
  static Preferences parse(UUID userId, JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      throw ApiException.invalid("A body is required", "MISSING_BODY");
    }
    if (!body.isObject()) {
      throw ApiException.invalid("The body must be a JSON object", "MALFORMED_BODY");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Set.of("email", "phone", "channels", "quietHours").contains(name)) {
        throw ApiException.invalid("Unknown field " + name, "UNKNOWN_FIELD");
      }
    }
    String email = text(body, "email");
    if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
      throw ApiException.invalid("email is not an email address", INVALID_EMAIL);
    }
    String phone = text(body, "phone");
    if (phone != null && !E164.matcher(phone).matches()) {
      throw ApiException.invalid("phone must be an E.164 number such as +4915112345678", INVALID_PHONE);
    }
    Map<String, Set<ChannelKind>> channels = channels(body.get("channels"));
    for (Set<ChannelKind> kinds : channels.values()) {
      if (kinds.contains(ChannelKind.EMAIL) && email == null) {
        throw ApiException.invalid("Email alerts need an email address", MISSING_CONTACT);
      }
      if (kinds.contains(ChannelKind.SMS) && phone == null) {
        throw ApiException.invalid("SMS alerts need a phone number", MISSING_CONTACT);
      }
    }
    return new Preferences(userId, email, phone, channels, quietHours(body.get("quietHours")), null);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.invalid(field + " must be a string or null", "MALFORMED_BODY");
    }
    String text = value.asText().trim();
    return text.isEmpty() ? null : text;
  }

  private static Map<String, Set<ChannelKind>> channels(JsonNode node) {
    Map<String, Set<ChannelKind>> channels = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return channels;
    }
    if (!node.isObject()) {
      throw ApiException.invalid("channels must be an object of type or category to channel list", INVALID_CHANNEL);
    }
    if (node.size() > MAX_KEYS) {
      throw ApiException.invalid("channels has too many entries", INVALID_CHANNEL);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      if (!Preferences.Categories.isChoosable(key)) {
        throw ApiException.invalid(
            "channels." + key + " is not an event type or category (payments, transfers, top-ups, limits);"
                + " security alerts cannot be switched off",
            UNKNOWN_PREFERENCE_KEY);
      }
      if (!entry.getValue().isArray()) {
        throw ApiException.invalid("channels." + key + " must be a list such as [\"in_app\", \"email\"]", INVALID_CHANNEL);
      }
      Set<ChannelKind> kinds = EnumSet.noneOf(ChannelKind.class);
      for (JsonNode name : entry.getValue()) {
        ChannelKind kind =
            ChannelKind.fromWire(name.isTextual() ? name.asText() : "")
                .orElseThrow(
                    () ->
                        ApiException.invalid(
                            "channels." + key + " may hold in_app, email and sms only", INVALID_CHANNEL));
        kinds.add(kind);
      }
      channels.put(key, kinds);
    }
    return channels;
  }

  private static QuietHours quietHours(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw ApiException.invalid("quietHours must be an object with start, end and timeZone", INVALID_QUIET_HOURS);
    }
    LocalTime start = localTime(node.get("start"), "quietHours.start");
    LocalTime end = localTime(node.get("end"), "quietHours.end");
    JsonNode zoneNode = node.get("timeZone");
    if (zoneNode == null || !zoneNode.isTextual()) {
      throw ApiException.invalid("quietHours.timeZone is required (an IANA zone such as Europe/Berlin)", INVALID_TIME_ZONE);
    }
    ZoneId zone;
    try {
      // Region ids only: "Europe/Berlin" or "UTC", not a fixed offset that ignores daylight saving.
      if (!ZoneId.getAvailableZoneIds().contains(zoneNode.asText())) {
        throw new DateTimeException("not a region id");
      }
      zone = ZoneId.of(zoneNode.asText());
    } catch (DateTimeException e) {
      throw ApiException.invalid("quietHours.timeZone is not an IANA time zone", INVALID_TIME_ZONE);
    }
    if (start.equals(end)) {
      throw ApiException.invalid("quietHours.start and quietHours.end must differ", INVALID_QUIET_HOURS);
    }
    return new QuietHours(start, end, zone);
  }

  private static LocalTime localTime(JsonNode node, String field) {
    if (node == null || !node.isTextual() || !LOCAL_TIME.matcher(node.asText()).matches()) {
      throw ApiException.invalid(field + " must be a local time HH:mm", INVALID_QUIET_HOURS);
    }
    try {
      return LocalTime.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field + " must be a local time HH:mm", INVALID_QUIET_HOURS);
    }
  }
}
