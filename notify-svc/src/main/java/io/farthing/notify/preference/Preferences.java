package io.farthing.notify.preference;

import io.farthing.notify.channel.ChannelKind;
import io.farthing.notify.event.EventTypes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one user chose. {@code channels} is keyed by an event type ({@code charge.failed}) or a
 * category ({@code payments}); a type's entry wins over its category's, and anything not named
 * gets in-app only. Security alerts never look at this: see {@link Routing}.
 */
public record Preferences(
    UUID userId,
    String email,
    String phone,
    Map<String, Set<ChannelKind>> channels,
    QuietHours quietHours,
    Instant updatedAt) {

  public static final Set<ChannelKind> DEFAULT_CHANNELS = EnumSet.of(ChannelKind.IN_APP);

  /** What a user who never set anything has. */
  public static Preferences defaults(UUID userId) {
    return new Preferences(userId, null, null, Map.of(), null, null);
  }

  public boolean isDefault() {
    return updatedAt == null;
  }

  /** The channels the user wants for {@code type} (before contacts and quiet hours). */
  public Set<ChannelKind> channelsFor(String type) {
    Set<ChannelKind> exact = channels.get(type);
    if (exact != null) {
      return exact;
    }
    String category = Categories.of(type);
    if (category != null && channels.containsKey(category)) {
      return channels.get(category);
    }
    return DEFAULT_CHANNELS;
  }

  /** Event categories a preference may name instead of a type. */
  public static final class Categories {
    public static final String PAYMENTS = "payments";
    public static final String TRANSFERS = "transfers";
    public static final String TOP_UPS = "top-ups";
    public static final String LIMITS = "limits";
    public static final Set<String> ALL = Set.of(PAYMENTS, TRANSFERS, TOP_UPS, LIMITS);

    private Categories() {}

    /** The category of {@code type}, or null (security and partner events have none). */
    public static String of(String type) {
      if (type.startsWith("charge.")) {
        return PAYMENTS;
      }
      if (type.startsWith("transfer.")) {
        return TRANSFERS;
      }
      if (type.startsWith("topup.")) {
        return TOP_UPS;
      }
      if (type.startsWith("limit.")) {
        return LIMITS;
      }
      return null;
    }

    /** Whether a preference key names something a user can choose for. */
    public static boolean isChoosable(String key) {
      return ALL.contains(key) || (EventTypes.known(key) && of(key) != null);
    }
  }
}
