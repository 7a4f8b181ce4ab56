package io.farthing.notify.alert.rest;

import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.notify.alert.AlertStreams;
import io.farthing.notify.alert.AlertsConfig;
import io.farthing.notify.alert.UserAlert;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * A person's live alerts as Server-Sent Events. Each event's id is the alert id and its name
 * {@code alert}; a comment line {@code : connected} says the stream is listening, and
 * {@code : heartbeat} follows every {@code notify.alerts.stream.heartbeat}. Reconnecting with
 * {@code Last-Event-ID} (or {@code ?since=<alert id>}) first replays what the inbox holds after it.
 */
@Path("/v1/alerts/stream")
@Tag(name = "Alerts")
@RolesAllowed("user")
public class AlertStreamResource {
  private final AlertStreams streams;
  private final AlertsConfig config;
  private final JsonWebToken token;

  public AlertStreamResource(AlertStreams streams, AlertsConfig config, JsonWebToken token) {
    this.streams = streams;
    this.config = config;
    this.token = token;
  }

  public record StreamedAlert(
      String id, String type, String title, String body, Map<String, Object> data, Instant createdAt, String eventId,
      Instant eventOccurredAt) {
    static StreamedAlert of(UserAlert a) {
      return new StreamedAlert(
          a.id().toString(), a.type(), a.title(), a.body(), a.data().getMap(), a.createdAt(), a.eventId().toString(),
          a.eventOccurredAt());
    }
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  @Operation(summary = "The caller's alerts as they happen (SSE); Last-Event-ID resumes from the inbox")
  public Multi<OutboundSseEvent> stream(
      @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("since") String since, @Context Sse sse) {
    UUID user = Caller.userId(token);
    String resumeFrom = lastEventId != null && !lastEventId.isBlank() ? lastEventId : since;
    UUID after = resumeFrom == null || resumeFrom.isBlank() ? null : Ids.parse(resumeFrom, "Last-Event-ID");
    Multi<OutboundSseEvent> alerts =
        streams
            .stream(user, after, Instant.ofEpochSecond(token.getExpirationTime()))
            .map(a -> event(sse, a))
            .onFailure()
            .recoverWithCompletion();
    Multi<OutboundSseEvent> connected = Multi.createFrom().item(() -> sse.newEventBuilder().comment("connected").build());
    Multi<OutboundSseEvent> heartbeats =
        Multi.createFrom()
            .ticks()
            .every(config.stream().heartbeat())
            .onOverflow()
            .drop()
            .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
    // The alert stream ends (replaced by a newer stream, or too slow): end the heartbeats with it.
    Multi<OutboundSseEvent> ending = alerts.onCompletion().continueWith(sse.newEventBuilder().comment("end").name("end").build());
    return Multi.createBy()
        .merging()
        .streams(ending, connected, heartbeats)
        .select()
        .first(e -> !"end".equals(e.getName()));
  }

  private static OutboundSseEvent event(Sse sse, UserAlert a) {
    return sse.newEventBuilder()
        .id(a.id().toString())
        .name("alert")
        .data(StreamedAlert.class, StreamedAlert.of(a))
        .build();
  }
}
