package io.farthing.notify.preference;

import io.farthing.notify.channel.ChannelKind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Table {@code notification_preferences}: one row per user who chose something. */
@ApplicationScoped
public class PreferenceRepository {
  private static final String SELECT =
      "select user_id, email, phone, channels, quiet_start, quiet_end, quiet_zone, updated_at"
          + " from notification_preferences where user_id = $1";
  private static final String UPSERT =
      "insert into notification_preferences (user_id, email, phone, channels, quiet_start, quiet_end, quiet_zone,"
          + " updated_at) values ($1, $2, $3, $4, $5, $6, $7, now())"
          + " on conflict (user_id) do update set email = excluded.email, phone = excluded.phone,"
          + " channels = excluded.channels, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,"
          + " quiet_zone = excluded.quiet_zone, updated_at = excluded.updated_at"
          + " returning user_id, email, phone, channels, quiet_start, quiet_end, quiet_zone, updated_at";

  /** The user's preferences, or the defaults when they never set any. */
  public Uni<Preferences> find(SqlClient client, UUID userId) {
    return client
        .preparedQuery(SELECT)
        .execute(Tuple.of(userId))
        .map(rows -> rows.iterator().hasNext() ? read(rows.iterator().next()) : Preferences.defaults(userId));
  }

  public Uni<Preferences> save(SqlClient client, Preferences p) {
    JsonObject channels = new JsonObject();
    p.channels().forEach((key, kinds) -> channels.put(key, new JsonArray(kinds.stream().map(ChannelKind::wireName).toList())));
    QuietHours quiet = p.quietHours();
    return client
        .preparedQuery(UPSERT)
        .execute(
            Tuple.from(
                Arrays.asList(
                    p.userId(), p.email(), p.phone(), channels,
                    quiet == null ? null : quiet.start(), quiet == null ? null : quiet.end(),
                    quiet == null ? null : quiet.zone().getId())))
        .map(rows -> read(rows.iterator().next()));
  }

  private static Preferences read(Row row) {
    JsonObject stored = row.getJsonObject("channels");
    Map<String, Set<ChannelKind>> channels = new LinkedHashMap<>();
    for (String key : stored.fieldNames()) {
      Set<ChannelKind> kinds = EnumSet.noneOf(ChannelKind.class);
      for (Object name : stored.getJsonArray(key)) {
        ChannelKind.fromWire(String.valueOf(name)).ifPresent(kinds::add);
      }
      channels.put(key, kinds);
    }
    LocalTime start = row.getLocalTime("quiet_start");
    QuietHours quiet =
        start == null
            ? null
            : new QuietHours(start, row.getLocalTime("quiet_end"), ZoneId.of(row.getString("quiet_zone")));
    return new Preferences(
        row.getUUID("user_id"), row.getString("email"), row.getString("phone"), channels, quiet,
        row.getOffsetDateTime("updated_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant());
  }
}
