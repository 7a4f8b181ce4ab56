package io.farthing.auth.device.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.device.DeviceKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/me/devices")
@Tag(name = "Devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class DeviceResource {

  /**
   * publicKey: base64 X.509 SubjectPublicKeyInfo of an EC P-256 key. Exactly one of a current
   * TOTP code or the password proves the person is there (a stolen token alone cannot add a key).
   */
  public record RegisterDeviceRequest(
      @NotNull @Size(max = 64) String name,
      @NotNull @Size(max = 2048) String publicKey,
      @Size(max = 16) String code,
      @Size(max = 256) String password) {}

  private final DeviceKeys devices;
  private final JsonWebToken token;

  public DeviceResource(DeviceKeys devices, JsonWebToken token) {
    this.devices = devices;
    this.token = token;
  }

  @POST
  @Operation(summary = "Register a device's EC P-256 public key for device sign-in")
  public Uni<Response> register(@Valid @NotNull RegisterDeviceRequest request, @Context HttpServerRequest http) {
    return devices
        .register(Caller.userId(token), request.name(), request.publicKey(),
            Reauthentication.Proof.of(request.code(), request.password()), Origin.of(http))
        .map(device -> Response.status(Response.Status.CREATED).entity(device).build());
  }

  @GET
  @Operation(summary = "The signed-in user's devices")
  public Uni<List<DeviceKeys.Device>> list() {
    return devices.list(Caller.userId(token));
  }

  @DELETE
  @Path("/{deviceId}")
  @Operation(summary = "Remove one of the signed-in user's devices")
  public Uni<Response> remove(@PathParam("deviceId") String deviceId, @Context HttpServerRequest http) {
    return devices
        .remove(Caller.userId(token), Ids.parse(deviceId, "deviceId"), Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
