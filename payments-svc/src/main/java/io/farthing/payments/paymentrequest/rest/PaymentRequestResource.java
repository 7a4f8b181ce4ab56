package io.farthing.payments.paymentrequest.rest;

import io.farthing.common.rest.Caller;
import io.farthing.payments.paymentrequest.PaymentRequestService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The payer's side of payment requests: look at one, then pay it with one call. */
@Path("/v1/payment-requests")
@Tag(name = "Payment requests")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class PaymentRequestResource {

  /** {@code payload}: what the QR code holds (farthing:pr1....), or its link. */
  public record PayBody(@NotNull @Size(max = 1024) String payload, @Size(max = 128) String deviceId) {}

  private final PaymentRequestService requests;
  private final JsonWebToken token;

  public PaymentRequestResource(PaymentRequestService requests, JsonWebToken token) {
    this.requests = requests;
    this.token = token;
  }

  @POST
  @Path("/pay")
  @Operation(
      summary = "Pay a payment request from the wallet (Idempotency-Key required)",
      description = "A challenged payment answers status REQUIRES_ACTION with the challenge to answer.")
  public Uni<PaymentRequestViews.PaymentView> pay(
      @HeaderParam("Idempotency-Key") String idempotencyKey, @Valid @NotNull PayBody body) {
    return requests
        .pay(Caller.userId(token), idempotencyKey, body.payload(), blankToNull(body.deviceId()))
        .map(PaymentRequestViews::payment);
  }

  @GET
  @Path("/{payloadOrId}")
  @Operation(summary = "What a payment request asks for (merchant, amount, description), before paying it")
  public Uni<PaymentRequestViews.PreviewView> preview(@PathParam("payloadOrId") String payloadOrId) {
    return requests.preview(payloadOrId).map(PaymentRequestViews::preview);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
