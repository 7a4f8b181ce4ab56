package io.farthing.notify.inbox.rest;

import io.farthing.common.rest.Caller;
import io.farthing.notify.alert.UserAlert;
import io.farthing.notify.inbox.InboxService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A person's own inbox of alerts. Another person's alert id is answered 404 ALERT_NOT_FOUND. */
@Path("/v1/inbox")
@Tag(name = "Inbox")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class InboxResource {
  private final InboxService inbox;
  private final JsonWebToken token;

  public InboxResource(InboxService inbox, JsonWebToken token) {
    this.inbox = inbox;
    this.token = token;
  }

  public record AlertView(
      String id,
      String type,
      String title,
      String body,
      Map<String, Object> data,
      Instant createdAt,
      Instant readAt,
      String eventId) {
    public static AlertView of(UserAlert a) {
      return new AlertView(
          a.id().toString(), a.type(), a.title(), a.body(), a.data().getMap(), a.createdAt(), a.readAt(),
          a.eventId().toString());
    }
  }

  public record InboxView(List<AlertView> items, String nextCursor, long unreadCount) {}

  public record UnreadView(long unreadCount) {}

  public record ReadAllView(int marked, long unreadCount) {}

  @GET
  @Operation(summary = "The caller's alerts, newest first (cursor paging; unread=true for unread only)")
  public Uni<InboxView> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit, @QueryParam("unread") boolean unread) {
    return Uni.createFrom()
        .deferred(() -> inbox.page(Caller.userId(token), cursor, limit, unread))
        .map(
            p ->
                new InboxView(
                    p.page().items().stream().map(AlertView::of).toList(), p.page().nextCursor(), p.unreadCount()));
  }

  @GET
  @Path("/unread-count")
  @Operation(summary = "How many of the caller's alerts are unread")
  public Uni<UnreadView> unreadCount() {
    return Uni.createFrom().deferred(() -> inbox.unreadCount(Caller.userId(token))).map(UnreadView::new);
  }

  @POST
  @Path("/{id}/read")
  @Operation(summary = "Mark one alert read (repeating it keeps the first read time)")
  public Uni<AlertView> read(@PathParam("id") String id) {
    return Uni.createFrom().deferred(() -> inbox.markRead(Caller.userId(token), id)).map(AlertView::of);
  }

  @POST
  @Path("/read-all")
  @Operation(summary = "Mark every alert created up to now read")
  public Uni<ReadAllView> readAll() {
    return Uni.createFrom()
        .deferred(
            () -> {
              var user = Caller.userId(token);
              return inbox.markAllRead(user).chain(marked -> inbox.unreadCount(user).map(left -> new ReadAllView(marked, left)));
            });
  }
}
