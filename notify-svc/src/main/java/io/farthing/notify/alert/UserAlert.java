package io.farthing.notify.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One alert for one person (table {@code alerts}). {@code data} is the event's data as published
 * (amounts are exact integers of minor units). {@code inApp} false: kept only as the source of
 * its email/SMS, never shown in the inbox or streamed.
 */
public record UserAlert(
    UUID id,
    UUID userId,
    UUID eventId,
    String type,
    String title,
    String body,
    JsonObject data,
    boolean inApp,
    Instant eventOccurredAt,
    Instant createdAt,
    Instant readAt) {

  /** As it travels between replicas on Redis (read back by {@link #fromJson}). */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id.toString())
            .put("userId", userId.toString())
            .put("eventId", eventId.toString())
            .put("type", type)
            .put("title", title)
            .put("body", body)
            .put("data", data)
            .put("inApp", inApp)
            .put("eventOccurredAt", eventOccurredAt.toString())
            .put("createdAt", createdAt.toString());
    if (readAt != null) {
      json.put("readAt", readAt.toString());
    }
    return json;
  }

  public static UserAlert fromJson(JsonObject json) {
    String read = json.getString("readAt");
    return new UserAlert(
        UUID.fromString(json.getString("id")),
        UUID.fromString(json.getString("userId")),
        UUID.fromString(json.getString("eventId")),
        json.getString("type"),
        json.getString("title"),
        json.getString("body"),
        json.getJsonObject("data", new JsonObject()),
        json.getBoolean("inApp", true),
        Instant.parse(json.getString("eventOccurredAt")),
        Instant.parse(json.getString("createdAt")),
        read == null ? null : Instant.parse(read));
  }
}
