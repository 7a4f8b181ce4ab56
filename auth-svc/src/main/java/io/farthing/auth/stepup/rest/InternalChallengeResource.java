package io.farthing.auth.stepup.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.Ids;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.stepup.StepUpService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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

/**
 * REST mirror of the internal step-up RPCs (CreateChallenge, ConsumeStepUpToken) for callers
 * and operators without a gRPC client. Same rules, same scope (auth:internal).
 */
@Path("/internal/v1")
@Tag(name = "Step-up (internal)")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.AUTH_INTERNAL)
public class InternalChallengeResource {

  public record NewChallenge(
      @NotNull String userId,
      @NotNull @Size(max = 200) String purpose,
      @Valid ChallengeResource.Amount amount,
      @Size(max = 10) List<@NotNull @Size(max = 200) String> reasons) {}

  public record Redeem(@NotNull @Size(max = 4096) String stepUpToken, @NotNull @Size(max = 200) String purpose) {}

  public record Redeemed(String userId, String challengeId, String acr) {}

  private final StepUpService stepUp;
  private final JsonWebToken caller;

  public InternalChallengeResource(StepUpService stepUp, JsonWebToken caller) {
    this.stepUp = stepUp;
    this.caller = caller;
  }

  @POST
  @Path("/challenges")
  @Operation(summary = "Open a step-up challenge for a user and a purpose (as CreateChallenge)")
  public Uni<Response> create(@Valid @NotNull NewChallenge request, @Context HttpServerRequest http) {
    StepUpService.NewChallenge challenge =
        new StepUpService.NewChallenge(
            Ids.parse(request.userId(), "userId"),
            request.purpose(),
            request.amount() == null ? null : request.amount().amountMinor(),
            request.amount() == null ? null : request.amount().currency(),
            request.reasons() == null ? List.of() : request.reasons(),
            caller.getSubject());
    return stepUp
        .create(challenge, Origin.of(http))
        .map(created -> Response.status(Response.Status.CREATED).entity(ChallengeResource.view(created)).build());
  }

  @POST
  @Path("/step-up-tokens/consume")
  @Operation(summary = "Redeem a step-up token for its purpose, exactly once (as ConsumeStepUpToken)")
  public Uni<Redeemed> consume(@Valid @NotNull Redeem request, @Context HttpServerRequest http) {
    return stepUp
        .redeem(request.stepUpToken(), request.purpose(), Origin.of(http))
        .map(r -> new Redeemed(r.userId().toString(), r.challengeId().toString(), r.acr()));
  }
}
