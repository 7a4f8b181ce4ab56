package io.farthing.auth.session.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.rest.Caller;
import io.farthing.auth.session.SessionService;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/auth")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

  public record LoginRequest(@NotNull @Size(max = 254) String email, @NotNull @Size(max = 256) String password) {}

  public record RefreshRequest(@NotNull @Size(max = 200) String refreshToken) {}

  /** What a password sign-in returns: tokens, or the need for a second factor. */
  public sealed interface LoginResponse permits TokenResponse, MfaRequiredResponse {
    static LoginResponse of(SessionService.LoginResult result) {
      return switch (result) {
        case SessionService.Session session -> TokenResponse.of(session);
        case SessionService.MfaRequired mfa ->
            new MfaRequiredResponse(true, mfa.mfaToken(), mfa.methods(), mfa.expiresIn());
      };
    }
  }

  /** Complete the sign-in at POST /v1/auth/login/mfa with the token and a code. */
  @RegisterForReflection
  public record MfaRequiredResponse(
      boolean mfaRequired, String mfaToken, List<String> methods, long expiresIn)
      implements LoginResponse {}

  /** What a successful sign-in or refresh returns. */
  public record TokenResponse(
      String accessToken, String tokenType, long expiresIn, String refreshToken, long refreshExpiresIn)
      implements LoginResponse {
    public static TokenResponse of(SessionService.Session session) {
      return new TokenResponse(
          session.accessToken(), "Bearer", session.expiresIn(), session.refreshToken(), session.refreshExpiresIn());
    }
  }

  private final SessionService sessions;
  private final JsonWebToken token;

  public SessionResource(SessionService sessions, JsonWebToken token) {
    this.sessions = sessions;
    this.token = token;
  }

  @POST
  @Path("/login")
  @PermitAll
  @Operation(summary = "Sign in with email and password; with TOTP enabled, answers mfaRequired")
  public Uni<LoginResponse> login(@Valid @NotNull LoginRequest request, @Context HttpServerRequest http) {
    return sessions.login(request.email(), request.password(), Origin.of(http)).map(LoginResponse::of);
  }

  @POST
  @Path("/refresh")
  @PermitAll
  @Operation(summary = "Exchange a refresh token for new tokens; the old refresh token is spent")
  public Uni<TokenResponse> refresh(@Valid @NotNull RefreshRequest request, @Context HttpServerRequest http) {
    return sessions.refresh(request.refreshToken(), Origin.of(http)).map(TokenResponse::of);
  }

  @POST
  @Path("/logout")
  @PermitAll
  @Operation(summary = "End the session a refresh token belongs to")
  public Uni<Response> logout(@Valid @NotNull RefreshRequest request, @Context HttpServerRequest http) {
    return sessions.logout(request.refreshToken(), Origin.of(http)).replaceWith(Response.noContent().build());
  }

  @POST
  @Path("/logout-all")
  @RolesAllowed("user")
  @Operation(summary = "End every session of the signed-in user")
  public Uni<Response> logoutEverywhere(@Context HttpServerRequest http) {
    return sessions
        .logoutEverywhere(Caller.userId(token), Origin.of(http))
        .replaceWith(Response.noContent().build());
  }
}
