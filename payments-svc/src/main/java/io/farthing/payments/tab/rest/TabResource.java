package io.farthing.payments.tab.rest;

import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.tab.TabService;
import io.farthing.payments.tab.TabView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A person's own tabs, live: list, look at one (items, running total, cap), close one. */
@Path("/v1/tabs")
@Tag(name = "Tabs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class TabResource {
  private final TabService tabs;
  private final JsonWebToken token;

  public TabResource(TabService tabs, JsonWebToken token) {
    this.tabs = tabs;
    this.token = token;
  }

  @GET
  @Operation(summary = "Your tabs, newest first (at most payments.tabs.max-tabs-listed), without their items")
  public Uni<List<TabView>> list() {
    return tabs.listForUser(Caller.userId(token)).map(rows -> rows.stream().map(TabView::of).toList());
  }

  @GET
  @Path("/{tabId}")
  @Operation(summary = "One of your tabs with its newest items, running total, cap and what is settled so far")
  public Uni<TabView> get(@PathParam("tabId") String tabId) {
    return tabs.getForUser(Caller.userId(token), Ids.parse(tabId, "tabId"))
        .map(shown -> TabView.of(shown.tab(), shown.items()));
  }

  @POST
  @Path("/{tabId}/close")
  @Operation(
      summary = "Close one of your tabs (Idempotency-Key required)",
      description = "Settles what is unsettled, gives the unused hold back to your wallet; a closed tab answers as it is.")
  public Uni<Response> close(@HeaderParam(RestIdempotency.HEADER) String idempotencyKey, @PathParam("tabId") String tabId) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    return tabs.closeByUser(Caller.userId(token), key, Ids.parse(tabId, "tabId")).map(RestIdempotency.Reply::toResponse);
  }
}
