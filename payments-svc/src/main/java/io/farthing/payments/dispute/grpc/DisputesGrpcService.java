package io.farthing.payments.dispute.grpc;

import static io.farthing.payments.charge.grpc.PaymentsGrpcService.limited;
import static io.farthing.payments.charge.grpc.PaymentsGrpcService.required;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.common.grpc.GrpcCallers;
import io.farthing.payments.charge.grpc.PaymentsGrpcService;
import io.farthing.payments.dispute.DisputeMessages;
import io.farthing.payments.dispute.DisputePages;
import io.farthing.payments.dispute.DisputeService;
import io.farthing.payments.dispute.DisputeStatus;
import io.farthing.payments.dispute.DisputesConfig;
import io.farthing.proto.payments.v1.AcceptDisputeRequest;
import io.farthing.proto.payments.v1.Dispute;
import io.farthing.proto.payments.v1.Disputes;
import io.farthing.proto.payments.v1.GetDisputeRequest;
import io.farthing.proto.payments.v1.ListDisputesRequest;
import io.farthing.proto.payments.v1.ListDisputesResponse;
import io.farthing.proto.payments.v1.SubmitEvidenceRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;

/**
 * farthing.payments.v1.Disputes, the merchant's side: scope per RPC, request validation, one
 * service call. The caller (a partner client id) comes from its verified token.
 */
@GrpcService
public class DisputesGrpcService implements Disputes {
  private final DisputeService disputes;
  private final CurrentIdentityAssociation identity;
  private final DisputesConfig config;

  public DisputesGrpcService(DisputeService disputes, CurrentIdentityAssociation identity, DisputesConfig config) {
    this.disputes = disputes;
    this.identity = identity;
    this.config = config;
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<ListDisputesResponse> listDisputes(ListDisputesRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner -> {
          int size = request.getPageSize() == 0 ? Page.DEFAULT_LIMIT : request.getPageSize();
          if (size < 1 || size > Page.MAX_LIMIT) {
            throw ApiException.invalid("page_size must be between 1 and " + Page.MAX_LIMIT, "INVALID_PAGE_SIZE");
          }
          DisputeStatus status = status(request.getStatus());
          return DisputePages.page(
                  size, request.getPageToken(), "INVALID_PAGE_TOKEN",
                  (before, n) -> disputes.listForPartner(partner, status, before, n),
                  d -> DisputeMessages.dispute(d, List.of()))
              .map(
                  page ->
                      ListDisputesResponse.newBuilder()
                          .addAllDisputes(page.items())
                          .setNextPageToken(page.nextCursor() == null ? "" : page.nextCursor())
                          .build());
        });
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<Dispute> getDispute(GetDisputeRequest request) {
    return GrpcCallers.asCaller(
        identity, partner -> disputes.get(partner, Ids.parse(request.getDisputeId(), "dispute_id")));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_REFUND)
  public Uni<Dispute> submitEvidence(SubmitEvidenceRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner -> {
          var id = Ids.parse(request.getDisputeId(), "dispute_id");
          String summary = required(request.getSummary(), "summary", config.maxTextLength());
          if (request.getRefsCount() > config.maxEvidenceRefs()) {
            throw ApiException.invalid("at most " + config.maxEvidenceRefs() + " refs", "TOO_MANY_REFS");
          }
          request.getRefsList().forEach(ref -> limited(ref, "refs", config.maxRefLength()));
          byte[] canonical = request.toBuilder().clearIdempotencyKey().build().toByteArray();
          return disputes.submitEvidence(
              partner, request.getIdempotencyKey(), canonical, id, summary, List.copyOf(request.getRefsList()));
        });
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_REFUND)
  public Uni<Dispute> acceptDispute(AcceptDisputeRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner ->
            disputes.accept(partner, request.getIdempotencyKey(), Ids.parse(request.getDisputeId(), "dispute_id")));
  }

  private static DisputeStatus status(io.farthing.proto.payments.v1.DisputeStatus status) {
    return switch (status) {
      case DISPUTE_STATUS_UNSPECIFIED -> null;
      case DISPUTE_STATUS_OPEN -> DisputeStatus.OPEN;
      case DISPUTE_STATUS_UNDER_REVIEW -> DisputeStatus.UNDER_REVIEW;
      case DISPUTE_STATUS_WON -> DisputeStatus.WON;
      case DISPUTE_STATUS_LOST -> DisputeStatus.LOST;
      default -> throw ApiException.invalid("status is not a dispute status", "INVALID_STATUS");
    };
  }
}
