package io.farthing.auth.user.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.rest.Caller;
import io.farthing.auth.user.UserService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1")
@Tag(name = "Users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

  public record RegisterRequest(
      @NotNull @Size(max = 254) String email,
      @NotNull @Size(max = 256) String password,
      @Size(max = 100) String displayName,
      @Size(max = 64) String timeZone) {}

  public record UpdateProfileRequest(@Size(max = 100) String displayName, @Size(max = 64) String timeZone) {}

  public record ChangePasswordRequest(@NotNull String currentPassword, @NotNull String newPassword) {}

  private final UserService users;
  private final JsonWebToken token;

  public UserResource(UserService users, JsonWebToken token) {
    this.users = users;
    this.token = token;
  }

  @POST
  @Path("/users")
  @PermitAll
  @Operation(summary = "Register with email and a password of at least 12 characters")
  public Uni<Response> register(@Valid @NotNull RegisterRequest request, @Context HttpServerRequest http) {
    return users
        .register(request.email(), request.password(), request.displayName(), request.timeZone(), Origin.of(http))
        .map(profile -> Response.status(Response.Status.CREATED).entity(profile).build());
  }

  @GET
  @Path("/me")
  @RolesAllowed("user")
  @Operation(summary = "The signed-in user's profile")
  public Uni<UserService.Profile> me() {
    return users.profile(Caller.userId(token));
  }

  @PATCH
  @Path("/me")
  @RolesAllowed("user")
  @Operation(summary = "Change display name or time zone")
  public Uni<UserService.Profile> update(@Valid @NotNull UpdateProfileRequest request, @Context HttpServerRequest http) {
    return users.updateProfile(Caller.userId(token), request.displayName(), request.timeZone(), Origin.of(http));
  }

  @POST
  @Path("/me/password")
  @RolesAllowed("user")
  @Operation(summary = "Change the password; ends every session")
  public Uni<Response> changePassword(@Valid @NotNull ChangePasswordRequest request, @Context HttpServerRequest http) {
    return users
        .changePassword(Caller.userId(token), request.currentPassword(), request.newPassword(), Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
