package io.farthing.notify.preference.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.common.rest.Caller;
import io.farthing.notify.channel.ChannelKind;
import io.farthing.notify.event.EventTypes;
import io.farthing.notify.preference.PreferenceService;
import io.farthing.notify.preference.Preferences;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A person's own notification preferences: channels per type or category, contacts, quiet hours. */
@Path("/v1/notification-preferences")
@Tag(name = "Notification preferences")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class PreferenceResource {
  private final PreferenceService preferences;
  private final JsonWebToken token;

  public PreferenceResource(PreferenceService preferences, JsonWebToken token) {
    this.preferences = preferences;
    this.token = token;
  }

  public record QuietHoursView(String start, String end, String timeZone) {}

  public record PreferencesView(
      String email,
      String phone,
      Map<String, List<String>> channels,
      QuietHoursView quietHours,
      List<String> defaultChannels,
      List<String> alwaysSent,
      boolean customised,
      Instant updatedAt) {}

  @GET
  @Operation(summary = "The caller's notification preferences (the defaults if never set)")
  public Uni<PreferencesView> get() {
    return Uni.createFrom().deferred(() -> preferences.get(Caller.userId(token))).map(PreferenceResource::view);
  }

  /**
   * Replaces the caller's preferences. Body: {@code {"email": "…", "phone": "+49…", "channels":
   * {"payments": ["in_app", "email"]}, "quietHours": {"start": "22:00", "end": "07:00", "timeZone":
   * "Europe/Berlin"}}}; every field may be null or left out.
   */
  @PUT
  @Operation(summary = "Replace the caller's notification preferences")
  public Uni<PreferencesView> put(JsonNode body) {
    return Uni.createFrom().deferred(() -> preferences.replace(Caller.userId(token), body)).map(PreferenceResource::view);
  }

  static PreferencesView view(Preferences p) {
    Map<String, List<String>> channels = new TreeMap<>();
    p.channels().forEach((key, kinds) -> channels.put(key, kinds.stream().map(ChannelKind::wireName).toList()));
    QuietHoursView quiet =
        p.quietHours() == null
            ? null
            : new QuietHoursView(p.quietHours().start().toString(), p.quietHours().end().toString(), p.quietHours().zone().getId());
    List<String> security =
        EventTypes.ALL.stream().filter(EventTypes::isSecurity).sorted().toList();
    return new PreferencesView(
        p.email(), p.phone(), new LinkedHashMap<>(channels), quiet,
        Preferences.DEFAULT_CHANNELS.stream().map(ChannelKind::wireName).toList(), security, !p.isDefault(),
        p.updatedAt());
  }
}
