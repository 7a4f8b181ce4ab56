package io.farthing.payments.paymentrequest.grpc;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.grpc.PaymentsGrpcService;
import io.farthing.payments.paymentrequest.PaymentRequest;
import io.farthing.payments.paymentrequest.PaymentRequestService;
import io.farthing.proto.payments.v1.CancelPaymentRequestRequest;
import io.farthing.proto.payments.v1.CreatePaymentRequestRequest;
import io.farthing.proto.payments.v1.GetPaymentRequestRequest;
import io.farthing.proto.payments.v1.PaymentRequestUsage;
import io.farthing.proto.payments.v1.PaymentRequests;
import io.farthing.common.grpc.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.util.function.Function;

/**
 * farthing.payments.v1.PaymentRequests: scope per RPC, mapping, one service call. The caller (a
 * partner client id) comes from its verified token.
 */
@GrpcService
public class PaymentRequestsGrpcService implements PaymentRequests {
  private final PaymentRequestService requests;
  private final CurrentIdentityAssociation identity;

  public PaymentRequestsGrpcService(PaymentRequestService requests, CurrentIdentityAssociation identity) {
    this.requests = requests;
    this.identity = identity;
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.PaymentRequest> createPaymentRequest(CreatePaymentRequestRequest request) {
    return asPartner(
        partner -> {
          if (!request.hasAmount()) {
            throw ApiException.invalid("amount is required", "MISSING_FIELD");
          }
          return requests.create(
              partner,
              new PaymentRequestService.NewPaymentRequest(
                  request.getIdempotencyKey(),
                  request.getAmount().getAmountMinor(),
                  request.getAmount().getCurrency(),
                  request.getDescription(),
                  request.getReference(),
                  usage(request.getUsage()),
                  request.getExpiresInSeconds()));
        });
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<io.farthing.proto.payments.v1.PaymentRequest> getPaymentRequest(GetPaymentRequestRequest request) {
    return asPartner(
        partner -> requests.get(partner, Ids.parse(request.getPaymentRequestId(), "payment_request_id")));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.PaymentRequest> cancelPaymentRequest(CancelPaymentRequestRequest request) {
    return asPartner(
        partner ->
            requests.cancel(
                partner, request.getIdempotencyKey(), Ids.parse(request.getPaymentRequestId(), "payment_request_id")));
  }

  private static PaymentRequest.Usage usage(PaymentRequestUsage usage) {
    return switch (usage) {
      case PAYMENT_REQUEST_USAGE_UNSPECIFIED -> null;
      case PAYMENT_REQUEST_USAGE_SINGLE_USE -> PaymentRequest.Usage.SINGLE_USE;
      case PAYMENT_REQUEST_USAGE_REUSABLE -> PaymentRequest.Usage.REUSABLE;
      default -> throw ApiException.invalid("usage must be SINGLE_USE or REUSABLE", "INVALID_USAGE");
    };
  }

  /** Runs {@code call} as the verified partner. */
  private <T> Uni<T> asPartner(Function<String, Uni<T>> call) {
    return GrpcCallers.asCaller(identity, call);
  }
}
