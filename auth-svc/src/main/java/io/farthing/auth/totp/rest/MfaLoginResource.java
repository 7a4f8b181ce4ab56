package io.farthing.auth.totp.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.auth.session.rest.SessionResource.TokenResponse;
import io.farthing.auth.totp.MfaLoginService;
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

@Path("/v1/auth/login/mfa")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MfaLoginResource {

  /** The ticket from /v1/auth/login and either a TOTP code or a recovery code. */
  public record MfaLoginRequest(
      @NotNull @Size(max = 200) String mfaToken,
      @Size(max = 16) String code,
      @Size(max = 64) String recoveryCode) {}

  private final MfaLoginService mfa;

  public MfaLoginResource(MfaLoginService mfa) {
    this.mfa = mfa;
  }

  @POST
  @PermitAll
  @Operation(summary = "Complete a sign-in that needs a second factor")
  public Uni<TokenResponse> complete(@Valid @NotNull MfaLoginRequest request, @Context HttpServerRequest http) {
    return mfa.complete(request.mfaToken(), request.code(), request.recoveryCode(), Origin.of(http))
        .map(TokenResponse::of);
  }
}
