package io.farthing.auth.securitylevel.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.Amount;
import io.farthing.common.rest.Caller;
import io.farthing.common.rest.MoneyBody;
import io.farthing.auth.securitylevel.SecurityLevelService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/me/security-level")
@Tag(name = "Security level")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class SecurityLevelResource {

  /** {@code password} is needed only when the change lowers protection. */
  public record ChangeRequest(
      @Size(max = 16) String level, MoneyBody strictThreshold, @Size(max = 256) String password) {}

  public record SettingView(String level, Amount strictThreshold) {
    static SettingView of(SecurityLevelService.Setting setting) {
      return new SettingView(setting.level().name(), setting.strictThreshold());
    }
  }

  private final SecurityLevelService levels;
  private final JsonWebToken token;

  public SecurityLevelResource(SecurityLevelService levels, JsonWebToken token) {
    this.levels = levels;
    this.token = token;
  }

  @GET
  @Operation(summary = "When your payments need a step-up: STANDARD, STRICT (at or above a threshold) or ALWAYS")
  public Uni<SettingView> get() {
    return levels.get(Caller.userId(token)).map(SettingView::of);
  }

  @PUT
  @Operation(summary = "Change your security level; lowering it needs your current password")
  public Uni<SettingView> change(@Valid @NotNull ChangeRequest request, @Context HttpServerRequest http) {
    UUID userId = Caller.userId(token);
    Amount threshold =
        request.strictThreshold() == null ? null : request.strictThreshold().nonNegative("strictThreshold");
    SecurityLevelService.Setting wanted = SecurityLevelService.requested(userId, request.level(), threshold);
    return levels.change(wanted, request.password(), Origin.of(http)).map(SettingView::of);
  }
}
