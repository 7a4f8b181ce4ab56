package io.farthing.auth.stepup.rest;

import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.auth.stepup.Challenge;
import io.farthing.auth.stepup.Proof;
import io.farthing.auth.stepup.StepUpService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The user's side of step-up: see what is being confirmed, and answer. */
@Path("/v1/me/challenges/{challengeId}")
@Tag(name = "Step-up")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class ChallengeResource {

  public record Amount(long amountMinor, String currency) {}

  public record ChallengeView(
      String challengeId, String purpose, Amount amount, List<String> reasons, List<String> allowedMethods,
      String deviceNonce, Instant expiresAt, String status) {}

  /** method: totp | device_key | recovery_code; signature is base64 DER over deviceNonce. */
  public record Answer(
      @NotNull @Size(max = 20) String method,
      @Size(max = 64) String code,
      @Size(max = 64) String deviceId,
      @Size(max = 200) String signature) {}

  public record StepUpTokenView(String stepUpToken, Instant expiresAt, String acr) {}

  private final StepUpService stepUp;
  private final JsonWebToken token;

  public ChallengeResource(StepUpService stepUp, JsonWebToken token) {
    this.stepUp = stepUp;
    this.token = token;
  }

  @GET
  @Operation(summary = "What a pending challenge asks the user to confirm")
  public Uni<ChallengeView> get(@PathParam("challengeId") String challengeId) {
    return stepUp.getOwn(Caller.userId(token), Ids.parse(challengeId, "challengeId")).map(ChallengeResource::view);
  }

  @POST
  @Path("/verify")
  @Operation(summary = "Answer a challenge; returns a single-use step-up token bound to its purpose")
  public Uni<StepUpTokenView> verify(
      @PathParam("challengeId") String challengeId, @Valid @NotNull Answer answer, @Context HttpServerRequest http) {
    return stepUp
        .verifyOwn(Caller.userId(token), Ids.parse(challengeId, "challengeId"), proof(answer), Origin.of(http))
        .map(v -> new StepUpTokenView(v.stepUpToken(), v.expiresAt(), v.acr()));
  }

  private static Proof proof(Answer answer) {
    return switch (answer.method().toLowerCase(Locale.ROOT)) {
      case "totp" -> new Proof.Totp(required(answer.code(), "code"));
      case "recovery_code" -> new Proof.RecoveryCode(required(answer.code(), "code"));
      case "device_key" ->
          new Proof.DeviceSignature(Ids.parse(answer.deviceId(), "deviceId"), base64(answer.signature()));
      default -> throw ApiException.invalid("method must be totp, device_key or recovery_code", "INVALID_METHOD");
    };
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    return value;
  }

  private static byte[] base64(String value) {
    try {
      return Base64.getDecoder().decode(required(value, "signature"));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("signature is not base64", "INVALID_SIGNATURE_ENCODING");
    }
  }

  static ChallengeView view(Challenge c) {
    return new ChallengeView(
        c.id.toString(),
        c.purpose,
        c.amountMinor == null ? null : new Amount(c.amountMinor, c.currency),
        c.reasons == null || c.reasons.isEmpty() ? List.of() : List.of(c.reasons.split("\n")),
        c.methods().stream().map(m -> m.name().toLowerCase(Locale.ROOT)).toList(),
        c.deviceNonce,
        c.expiresAt,
        c.status == Challenge.Status.PENDING && c.isExpired(Instant.now()) ? "EXPIRED" : c.status.name());
  }
}
