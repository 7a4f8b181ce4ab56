package io.farthing.auth.device.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.auth.device.DeviceLoginService;
import io.farthing.auth.session.rest.SessionResource.TokenResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/auth/device")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
public class DeviceLoginResource {

  public record ChallengeRequest(@NotNull @Size(max = 64) String deviceId) {}

  /** signature: base64 DER ECDSA-SHA256 over the UTF-8 bytes of the nonce. */
  public record DeviceLoginRequest(
      @NotNull @Size(max = 64) String deviceId,
      @NotNull @Size(max = 128) String nonce,
      @NotNull @Size(max = 256) String signature) {}

  private final DeviceLoginService deviceLogin;

  public DeviceLoginResource(DeviceLoginService deviceLogin) {
    this.deviceLogin = deviceLogin;
  }

  @POST
  @Path("/challenge")
  @Operation(summary = "A single-use nonce (2 minutes) for a registered device to sign")
  public Uni<DeviceLoginService.Nonce> challenge(@Valid @NotNull ChallengeRequest request, @Context HttpServerRequest http) {
    return deviceLogin.challenge(request.deviceId(), Origin.of(http));
  }

  @POST
  @Path("/login")
  @Operation(summary = "Sign in with a device's signature over its nonce; tokens carry amr [\"device\"]")
  public Uni<TokenResponse> login(@Valid @NotNull DeviceLoginRequest request, @Context HttpServerRequest http) {
    return deviceLogin
        .login(request.deviceId(), request.nonce(), request.signature(), Origin.of(http))
        .map(TokenResponse::of);
  }
}
