package io.farthing.notify.event.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.farthing.common.ApiException;
import io.farthing.common.Text;
import io.farthing.common.Ids;
import io.farthing.common.grpc.GrpcCallers;
import io.farthing.notify.alert.AlertMessages;
import io.farthing.notify.alert.AlertStreams;
import io.farthing.notify.event.EventStore;
import io.farthing.notify.event.StoredEvent;
import io.farthing.proto.notify.v1.Alert;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.Notify;
import io.farthing.proto.notify.v1.PublishRequest;
import io.farthing.proto.notify.v1.PublishResponse;
import io.farthing.proto.notify.v1.StreamAlertsRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.jwt.JsonWebToken;
import java.time.Instant;
import java.util.UUID;

/** farthing.notify.v1.Notify: scope per RPC, mapping, one service call. */
@GrpcService
public class NotifyGrpcService implements Notify {
  /** Held by the services that publish events (payments-svc, auth-svc). */
  public static final String SCOPE_PUBLISH = "notify:publish";

  private final EventStore events;
  private final CurrentIdentityAssociation identity;
  private final AlertStreams alerts;

  public NotifyGrpcService(EventStore events, CurrentIdentityAssociation identity, AlertStreams alerts) {
    this.events = events;
    this.identity = identity;
    this.alerts = alerts;
  }

  @Override
  @RolesAllowed(SCOPE_PUBLISH)
  public Uni<PublishResponse> publish(PublishRequest request) {
    return GrpcCallers.asCaller(identity, publisher -> events.publish(stored(request), publisher))
        .map(duplicate -> PublishResponse.newBuilder().setDuplicate(duplicate).build());
  }

  /** The caller's own alerts: a user's access token, user_id empty or the token's subject. */
  @Override
  public Multi<Alert> streamAlerts(StreamAlertsRequest request) {
    return identity
        .getDeferredIdentity()
        .onItem()
        .transformToMulti(
            caller -> {
              if (caller.isAnonymous()) {
                throw ApiException.unauthenticated("A valid bearer token is required", "UNAUTHENTICATED");
              }
              if (!caller.hasRole("user")) {
                throw ApiException.forbidden("StreamAlerts needs the user's own access token", "NOT_A_USER_TOKEN");
              }
              UUID subject;
              try {
                subject = UUID.fromString(caller.getPrincipal().getName());
              } catch (IllegalArgumentException notAUser) {
                throw ApiException.forbidden("StreamAlerts needs the user's own access token", "NOT_A_USER_TOKEN");
              }
              if (!request.getUserId().isBlank() && !Ids.parse(request.getUserId(), "user_id").equals(subject)) {
                throw ApiException.forbidden("A token may stream only its own user's alerts", "NOT_YOUR_USER");
              }
              UUID after =
                  request.getAfterAlertId().isBlank() ? null : Ids.parse(request.getAfterAlertId(), "after_alert_id");
              Instant until =
                  caller.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0
                      ? Instant.ofEpochSecond(jwt.getExpirationTime())
                      : Instant.now();
              return alerts.stream(subject, after, until).map(AlertMessages::alert);
            });
  }

  static StoredEvent stored(PublishRequest request) {
    if (!request.hasEvent()) {
      throw ApiException.invalid("event is required", "MISSING_FIELD");
    }
    Event e = request.getEvent();
    UUID id = Ids.parse(e.getEventId(), "event.event_id");
    if (e.getType().isBlank()) {
      throw ApiException.invalid("event.type is required", "MISSING_FIELD");
    }
    UUID user = e.getUserId().isBlank() ? null : Ids.parse(e.getUserId(), "event.user_id");
    String partner = e.getPartnerClientId().isBlank() ? null : e.getPartnerClientId();
    if (!e.hasOccurredAt()) {
      throw ApiException.invalid("event.occurred_at is required", "MISSING_FIELD");
    }
    Instant at = Instant.ofEpochSecond(e.getOccurredAt().getSeconds(), e.getOccurredAt().getNanos());
    return new StoredEvent(id, e.getType(), user, partner, e.getOrderingKey(), e.getSequence(), at, data(e));
  }

  private static JsonObject data(Event e) {
    if (!e.getDataJson().isBlank()) {
      JsonObject data;
      try {
        data = new JsonObject(e.getDataJson());
      } catch (RuntimeException notAnObject) {
        // Vert.x decodes with the service's ObjectMapper, whose string reader refuses a NUL or a
        // lone surrogate (common.rest.CleanJsonText): that refusal, not "not JSON".
        for (Throwable cause = notAnObject; cause != null; cause = cause.getCause()) {
          if (cause instanceof ApiException refusal && Text.INVALID_CHARACTER.equals(refusal.reason())) {
            throw ApiException.invalid("event.data_json: " + refusal.getMessage(), Text.INVALID_CHARACTER);
          }
          if (cause.getCause() == cause) {
            break;
          }
        }
        throw ApiException.invalid("event.data_json is not one JSON object", "INVALID_DATA");
      }
      // The string itself is clean (checked for every request); its JSON escapes may not be:
      // "\u0000" would reach jsonb, "\uD800" would be stored as '?'.
      requireCleanJson("event.data_json", data);
      return data;
    }
    try {
      return new JsonObject(JsonFormat.printer().omittingInsignificantWhitespace().print(e.getData()));
    } catch (InvalidProtocolBufferException ex) {
      throw ApiException.invalid("event.data is not valid", "INVALID_DATA");
    }
  }

  /** Every key and string value of a decoded JSON value, at any depth, checked with {@link Text}. */
  static void requireCleanJson(String path, Object value) {
    if (value instanceof String text) {
      Text.requireClean(path, text);
    } else if (value instanceof JsonObject object) {
      requireCleanJson(path, object.getMap());
    } else if (value instanceof io.vertx.core.json.JsonArray array) {
      requireCleanJson(path, array.getList());
    } else if (value instanceof java.util.Map<?, ?> map) {
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Text.requireClean("a field name in " + path, key);
        requireCleanJson(path + "." + key, entry.getValue());
      }
    } else if (value instanceof java.util.List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        requireCleanJson(path + "[" + i + "]", list.get(i));
      }
    }
  }
}
