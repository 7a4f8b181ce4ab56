package io.farthing.auth.client.rest;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.client.ApiClient;
import io.farthing.auth.client.ClientService;
import io.farthing.common.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/v1/clients")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminClientResource {
  /** Responses that carry a secret must not be kept by any cache. */
  private static final String NO_STORE = "no-store";

  public record CreateClientRequest(@Size(max = 100) String name, @Size(max = 20) List<String> scopes) {}

  public record UpdateClientRequest(@Size(max = 100) String name, @Size(max = 20) List<String> scopes) {}

  public record RotateSecretRequest(Long graceSeconds) {}

  public record CreatedClient(
      String clientId,
      String clientSecret,
      String name,
      List<String> scopes,
      ApiClient.Status status,
      Instant createdAt) {}

  public record RotatedSecret(String clientId, String clientSecret, Instant previousSecretExpiresAt) {}

  private final ClientService clients;
  private final JsonWebToken token;

  public AdminClientResource(ClientService clients, JsonWebToken token) {
    this.clients = clients;
    this.token = token;
  }

  @POST
  @Operation(summary = "Create an API client; its secret is in this response only")
  public Uni<Response> create(@Valid @NotNull CreateClientRequest request, @Context HttpServerRequest http) {
    return clients
        .create(request.name(), request.scopes(), admin(), Origin.of(http))
        .map(
            created -> {
              ClientService.ClientView client = created.client();
              CreatedClient body = new CreatedClient(client.clientId(), created.clientSecret(), client.name(),
                  client.scopes(), client.status(), client.createdAt());
              return Response.created(URI.create("/admin/v1/clients/" + client.clientId()))
                  .header("Cache-Control", NO_STORE)
                  .entity(body)
                  .build();
            });
  }

  @GET
  @Operation(summary = "API clients, oldest first, without secrets")
  public Uni<Page<ClientService.ClientView>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return clients.list(limit, cursor);
  }

  @GET
  @Path("/{clientId}")
  @Operation(summary = "One API client, without its secret")
  public Uni<ClientService.ClientView> get(@PathParam("clientId") String clientId) {
    return clients.get(clientId);
  }

  @PATCH
  @Path("/{clientId}")
  @Operation(summary = "Rename a client or replace its scopes")
  public Uni<ClientService.ClientView> update(
      @PathParam("clientId") String clientId,
      @Valid @NotNull UpdateClientRequest request,
      @Context HttpServerRequest http) {
    return clients.update(clientId, request.name(), request.scopes(), admin(), Origin.of(http));
  }

  @POST
  @Path("/{clientId}/rotate-secret")
  @Operation(summary = "Issue a new secret; the previous one works for graceSeconds more (default 24 h)")
  public Uni<Response> rotateSecret(
      @PathParam("clientId") String clientId, RotateSecretRequest request, @Context HttpServerRequest http) {
    Long grace = request == null ? null : request.graceSeconds();
    return clients
        .rotateSecret(clientId, grace, admin(), Origin.of(http))
        .map(
            rotated ->
                Response.ok(new RotatedSecret(rotated.client().clientId(), rotated.clientSecret(),
                        rotated.client().previousSecretExpiresAt()))
                    .header("Cache-Control", NO_STORE)
                    .build());
  }

  @POST
  @Path("/{clientId}/disable")
  @Operation(summary = "Stop a client from getting new tokens")
  public Uni<ClientService.ClientView> disable(
      @PathParam("clientId") String clientId, @Context HttpServerRequest http) {
    return clients.disable(clientId, admin(), Origin.of(http));
  }

  private AuditLog.Actor admin() {
    return new AuditLog.Actor("admin", token.getSubject());
  }
}
