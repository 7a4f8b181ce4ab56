package io.farthing.payments.settlement.grpc;

import static io.farthing.payments.charge.ChargeMessages.money;
import static io.farthing.payments.charge.ChargeMessages.timestamp;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.grpc.GrpcCallers;
import io.farthing.payments.charge.grpc.PaymentsGrpcService;
import io.farthing.payments.settlement.SettlementService;
import io.farthing.payments.settlement.SettlementService.WindowCursor;
import io.farthing.payments.settlement.SettlementWindow;
import io.farthing.payments.settlement.WindowView;
import io.farthing.payments.statement.MerchantStatement;
import io.farthing.proto.payments.v1.GetSettlementWindowRequest;
import io.farthing.proto.payments.v1.GetWindowStatementRequest;
import io.farthing.proto.payments.v1.ListSettlementWindowsRequest;
import io.farthing.proto.payments.v1.ListSettlementWindowsResponse;
import io.farthing.proto.payments.v1.SettlementWindowStatus;
import io.farthing.proto.payments.v1.Settlements;
import io.farthing.proto.payments.v1.WindowStatement;
import io.farthing.proto.payments.v1.WindowStatementLine;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;

/** farthing.payments.v1.Settlements: the calling partner's settlement windows (scope payments:read). */
@GrpcService
public class SettlementsGrpcService implements Settlements {
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 20;

  private final SettlementService settlement;
  private final CurrentIdentityAssociation identity;

  public SettlementsGrpcService(SettlementService settlement, CurrentIdentityAssociation identity) {
    this.settlement = settlement;
    this.identity = identity;
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<ListSettlementWindowsResponse> listSettlementWindows(ListSettlementWindowsRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner -> {
          int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
          if (size < 1 || size > MAX_PAGE) {
            throw ApiException.invalid("page_size must be between 1 and " + MAX_PAGE, "INVALID_PAGE_SIZE");
          }
          String currency =
              request.getCurrency().isEmpty() ? null : Amount.requireCurrency(request.getCurrency(), "currency");
          WindowCursor after =
              request.getPageToken().isEmpty() ? null : WindowCursor.parse(request.getPageToken(), "INVALID_PAGE_TOKEN");
          return settlement.list(partner, currency, null, after, size + 1).map(rows -> page(rows, size));
        });
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<io.farthing.proto.payments.v1.SettlementWindow> getSettlementWindow(GetSettlementWindowRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner -> settlement.get(partner, Ids.parse(request.getWindowId(), "window_id")).map(w -> window(WindowView.of(w))));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<WindowStatement> getWindowStatement(GetWindowStatementRequest request) {
    return GrpcCallers.asCaller(
        identity,
        partner ->
            settlement
                .statement(partner, Ids.parse(request.getWindowId(), "window_id"))
                .map(SettlementsGrpcService::statement));
  }

  private static ListSettlementWindowsResponse page(List<SettlementWindow> rows, int size) {
    ListSettlementWindowsResponse.Builder response = ListSettlementWindowsResponse.newBuilder();
    rows.stream().limit(size).map(WindowView::of).map(SettlementsGrpcService::window).forEach(response::addWindows);
    if (rows.size() > size) {
      response.setNextPageToken(WindowCursor.of(rows.get(size - 1)).encode());
    }
    return response.build();
  }

  static io.farthing.proto.payments.v1.SettlementWindow window(WindowView w) {
    var out =
        io.farthing.proto.payments.v1.SettlementWindow.newBuilder()
            .setWindowId(w.windowId().toString())
            .setPartnerClientId(w.partnerClientId())
            .setCurrency(w.currency())
            .setStartsAt(timestamp(w.startsAt()))
            .setEndsAt(timestamp(w.endsAt()))
            .setStatus(SettlementWindowStatus.valueOf("SETTLEMENT_WINDOW_STATUS_" + w.status().name()))
            .setPayout(money(w.payoutMinor(), w.currency()))
            .setCarriedForward(w.carriedForward())
            .setLineCount(w.lineCount())
            .setPayoutAttempts(w.payoutAttempts());
    if (w.closedAt() != null) {
      out.setClosedAt(timestamp(w.closedAt()));
    }
    if (w.settledAt() != null) {
      out.setSettledAt(timestamp(w.settledAt()));
    }
    if (w.netMinor() != null) {
      out.setNet(money(w.netMinor(), w.currency()));
    }
    if (w.failureReason() != null) {
      out.setFailureReason(w.failureReason());
    }
    return out.build();
  }

  private static WindowStatement statement(io.farthing.payments.settlement.WindowStatement s) {
    String currency = s.window().currency();
    MerchantStatement.Totals t = s.totals();
    WindowStatement.Builder out =
        WindowStatement.newBuilder()
            .setWindow(window(s.window()))
            .setMerchantName(s.merchantName())
            .setGrossCharged(money(t.grossChargedMinor(), currency))
            .setRefunds(money(t.refundsMinor(), currency))
            .setFees(money(t.feesMinor(), currency))
            .setNet(money(t.netMinor(), currency));
    for (MerchantStatement.ChargeLine l : s.lines()) {
      WindowStatementLine.Builder line =
          WindowStatementLine.newBuilder()
              .setType(l.type())
              .setKind(l.kind())
              .setPostedAt(timestamp(l.postedAt()))
              .setPostingId(l.postingId().toString())
              .setAmountMinor(l.amountMinor())
              .setFeeMinor(l.feeMinor())
              .setNetMinor(l.netMinor());
      if (l.chargeId() != null) {
        line.setChargeId(l.chargeId().toString());
      }
      if (l.refundId() != null) {
        line.setRefundId(l.refundId().toString());
      }
      if (l.description() != null) {
        line.setDescription(l.description());
      }
      out.addLines(line);
    }
    return out.build();
  }
}
