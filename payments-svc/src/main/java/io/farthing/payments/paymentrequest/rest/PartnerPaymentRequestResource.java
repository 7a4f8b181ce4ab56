package io.farthing.payments.paymentrequest.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.MoneyBody;
import io.farthing.payments.charge.grpc.PaymentsGrpcService;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.paymentrequest.PaymentRequest;
import io.farthing.payments.paymentrequest.PaymentRequestService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** The REST mirror of farthing.payments.v1.PaymentRequests, for partners (same scopes, same rules). */
@Path("/partner/v1/payment-requests")
@Tag(name = "Payment requests (partners)")
@Produces(MediaType.APPLICATION_JSON)
public class PartnerPaymentRequestResource {

  /** usage: SINGLE_USE (default) or REUSABLE; expiresInSeconds: 60 s to 30 days, absent = 15 min. */
  public record CreateBody(
      @NotNull MoneyBody amount, String description, String reference, String usage, Long expiresInSeconds) {}

  private final PaymentRequestService requests;
  private final JsonWebToken token;

  public PartnerPaymentRequestResource(PaymentRequestService requests, JsonWebToken token) {
    this.requests = requests;
    this.token = token;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @ResponseStatus(201)
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  @Operation(summary = "Create a payment request (Idempotency-Key required); the answer carries its QR payload and URL")
  public Uni<PaymentRequestViews.PaymentRequestView> create(
      @HeaderParam("Idempotency-Key") String idempotencyKey, @Valid @NotNull CreateBody body) {
    IdempotencyKeys.requireKey(idempotencyKey, "Idempotency-Key");
    return requests
        .create(
            token.getName(),
            new PaymentRequestService.NewPaymentRequest(
                idempotencyKey,
                body.amount().amountMinor(),
                body.amount().currency(),
                body.description(),
                body.reference(),
                usage(body.usage()),
                body.expiresInSeconds() == null ? 0 : body.expiresInSeconds()))
        .map(PaymentRequestViews::request);
  }

  @GET
  @Path("/{id}")
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  @Operation(summary = "A payment request of this partner, as it is now")
  public Uni<PaymentRequestViews.PaymentRequestView> get(@PathParam("id") String id) {
    return requests.get(token.getName(), Ids.parse(id, "id")).map(PaymentRequestViews::request);
  }

  @POST
  @Path("/{id}/cancel")
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  @Operation(summary = "Stop a payment request from taking new payments (Idempotency-Key required)")
  public Uni<PaymentRequestViews.PaymentRequestView> cancel(
      @HeaderParam("Idempotency-Key") String idempotencyKey, @PathParam("id") String id) {
    IdempotencyKeys.requireKey(idempotencyKey, "Idempotency-Key");
    return requests.cancel(token.getName(), idempotencyKey, Ids.parse(id, "id")).map(PaymentRequestViews::request);
  }

  private static PaymentRequest.Usage usage(String usage) {
    if (usage == null || usage.isEmpty()) {
      return null;
    }
    try {
      return PaymentRequest.Usage.valueOf(usage.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("usage must be SINGLE_USE or REUSABLE", "INVALID_USAGE");
    }
  }
}
