package io.farthing.auth.totp.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.rest.Caller;
import io.farthing.auth.totp.TotpService;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/me/totp")
@Tag(name = "Second factors")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class TotpResource {
  static final String IMAGE_PNG = "image/png";

  public record CodeRequest(@NotNull @Size(max = 16) String code) {}

  /** Starting an enrolment needs the password: a stolen access token alone cannot add TOTP. */
  public record EnrolRequest(@NotNull @Size(max = 256) String password) {}

  /** Disabling needs one proof: a current code, or the password. */
  public record DisableRequest(@Size(max = 16) String code, @Size(max = 256) String password) {}

  @RegisterForReflection
  public record RecoveryCodesResponse(boolean enabled, List<String> recoveryCodes) {}

  private final TotpService totp;
  private final JsonWebToken token;

  public TotpResource(TotpService totp, JsonWebToken token) {
    this.totp = totp;
    this.token = token;
  }

  @GET
  @Operation(summary = "Whether TOTP is enabled or pending, and how many recovery codes are left")
  public Uni<TotpService.Status> status() {
    return totp.status(Caller.userId(token));
  }

  @POST
  @Operation(summary = "Start TOTP enrolment (password required): a new secret, its otpauth URI and QR code")
  public Uni<Response> enrol(@Valid @NotNull EnrolRequest request, @Context HttpServerRequest http) {
    return totp.enrol(Caller.userId(token), request.password(), Origin.of(http))
        .map(enrolment -> noStore(Response.status(Response.Status.CREATED).entity(enrolment)));
  }

  @GET
  @Path("/qr.png")
  @Produces(IMAGE_PNG)
  @Operation(summary = "The pending enrolment's QR code")
  public Uni<Response> qrPng() {
    return totp.pendingQrPng(Caller.userId(token))
        .map(png -> noStore(Response.ok(png, IMAGE_PNG)));
  }

  @POST
  @Path("/confirm")
  @Operation(summary = "Enable TOTP with a first code; returns 10 single-use recovery codes, shown once")
  public Uni<Response> confirm(@Valid @NotNull CodeRequest request, @Context HttpServerRequest http) {
    return totp.confirm(Caller.userId(token), request.code(), Origin.of(http))
        .map(codes -> noStore(Response.ok(new RecoveryCodesResponse(true, codes))));
  }

  @DELETE
  @Operation(summary = "Disable TOTP with a current code or the password")
  public Uni<Response> disable(@Valid @NotNull DisableRequest request, @Context HttpServerRequest http) {
    return totp.disable(Caller.userId(token), request.code(), request.password(), Origin.of(http))
        .replaceWith(Response.noContent().build());
  }

  @POST
  @Path("/recovery-codes")
  @Operation(summary = "Replace every recovery code (needs a current TOTP code)")
  public Uni<Response> regenerate(@Valid @NotNull CodeRequest request, @Context HttpServerRequest http) {
    return totp.regenerateRecoveryCodes(Caller.userId(token), request.code(), Origin.of(http))
        .map(codes -> noStore(Response.ok(new RecoveryCodesResponse(true, codes))));
  }

  /** Secrets and codes must not linger in caches. */
  private static Response noStore(Response.ResponseBuilder builder) {
    CacheControl cache = new CacheControl();
    cache.setNoStore(true);
    cache.setNoTransform(false);
    return builder.cacheControl(cache).build();
  }
}
