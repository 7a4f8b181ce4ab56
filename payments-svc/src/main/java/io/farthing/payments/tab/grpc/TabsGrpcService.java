package io.farthing.payments.tab.grpc;

import static io.farthing.payments.charge.grpc.PaymentsGrpcService.limited;
import static io.farthing.payments.charge.grpc.PaymentsGrpcService.required;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.grpc.GrpcCallers;
import io.farthing.payments.charge.grpc.PaymentsGrpcService;
import io.farthing.payments.tab.TabMessages;
import io.farthing.payments.tab.TabMeter;
import io.farthing.payments.tab.TabService;
import io.farthing.payments.tab.TabsConfig;
import io.farthing.proto.payments.v1.AddTabItemRequest;
import io.farthing.proto.payments.v1.CloseTabRequest;
import io.farthing.proto.payments.v1.GetTabRequest;
import io.farthing.proto.payments.v1.MeterUsageRequest;
import io.farthing.proto.payments.v1.MeterUsageSummary;
import io.farthing.proto.payments.v1.OpenTabRequest;
import io.farthing.proto.payments.v1.Tab;
import io.farthing.proto.payments.v1.TabItem;
import io.farthing.proto.payments.v1.TabKind;
import io.farthing.proto.payments.v1.Tabs;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

/**
 * farthing.payments.v1.Tabs: scope per RPC, request validation and mapping, one service call. The
 * caller (a partner client id) comes from its verified token.
 */
@GrpcService
public class TabsGrpcService implements Tabs {
  private static final int MAX_TOKEN_CHARS = 8192;
  private static final int MAX_DEVICE_CHARS = 128;

  private final TabService tabs;
  private final TabMeter meter;
  private final CurrentIdentityAssociation identity;
  private final TabsConfig config;

  public TabsGrpcService(TabService tabs, TabMeter meter, CurrentIdentityAssociation identity, TabsConfig config) {
    this.tabs = tabs;
    this.meter = meter;
    this.identity = identity;
    this.config = config;
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<Tab> openTab(OpenTabRequest request) {
    return asPartner(partner -> tabs.open(partner, newTab(request)));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<TabItem> addTabItem(AddTabItemRequest request) {
    return asPartner(
        partner -> {
          Amount amount = requiredAmount(request.hasAmount(), request.getAmount(), "amount");
          byte[] canonical = request.toBuilder().clearIdempotencyKey().build().toByteArray();
          return tabs.add(
              partner,
              new TabService.NewItem(
                  request.getIdempotencyKey(), canonical, Ids.parse(request.getTabId(), "tab_id"),
                  amount.amountMinor(), amount.currency(), description(request.getDescription())));
        });
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_READ)
  public Uni<Tab> getTab(GetTabRequest request) {
    return asPartner(partner -> tabs.get(partner, Ids.parse(request.getTabId(), "tab_id")));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<Tab> closeTab(CloseTabRequest request) {
    return asPartner(
        partner ->
            tabs.closeByPartner(partner, request.getIdempotencyKey(), Ids.parse(request.getTabId(), "tab_id")));
  }

  @Override
  @RolesAllowed(PaymentsGrpcService.SCOPE_CHARGE)
  public Uni<MeterUsageSummary> meterUsage(Multi<MeterUsageRequest> request) {
    return asPartner(partner -> meter.meter(partner, request.map(TabsGrpcService::increment)).map(TabMessages::summary));
  }

  /** One increment, validated; a bad one fails the stream (and, after the first, closes its tab). */
  private static TabMeter.Increment increment(MeterUsageRequest request) {
    UUID tab = Ids.parse(request.getTabId(), "tab_id");
    if (request.getSequence() <= 0) {
      throw ApiException.invalid("sequence must be greater than 0", "INVALID_SEQUENCE");
    }
    Amount amount = requiredAmount(request.hasAmount(), request.getAmount(), "amount");
    return new TabMeter.Increment(tab, request.getSequence(), amount.amountMinor(), amount.currency());
  }

  private TabService.NewTab newTab(OpenTabRequest request) {
    Amount cap = requiredAmount(request.hasCap(), request.getCap(), "cap");
    String token = null;
    UUID user = null;
    switch (request.getPayerCase()) {
      case USER_ACCESS_TOKEN -> token = required(request.getUserAccessToken(), "user_access_token", MAX_TOKEN_CHARS);
      case USER_ID -> user = Ids.parse(request.getUserId(), "user_id");
      default -> throw ApiException.invalid("user_access_token or user_id is required", "MISSING_FIELD");
    }
    if (request.getSettleThresholdMinor() < 0) {
      throw ApiException.invalid("settle_threshold_minor must not be negative", "INVALID_THRESHOLD");
    }
    if (request.getTimeLimitSeconds() < 0) {
      throw ApiException.invalid("time_limit_seconds must not be negative", "INVALID_TIME_LIMIT");
    }
    String device =
        request.getDeviceId().isEmpty() ? null : limited(request.getDeviceId(), "device_id", MAX_DEVICE_CHARS);
    // "The same request": every field but the key and the payer token, whose place the resolved
    // user id takes (a refreshed token on a retry is still the same tab).
    byte[] canonical = request.toBuilder().clearIdempotencyKey().clearUserAccessToken().build().toByteArray();
    return new TabService.NewTab(
        request.getIdempotencyKey(), canonical, token, user, cap.amountMinor(), cap.currency(),
        request.getSettleThresholdMinor() == 0 ? null : request.getSettleThresholdMinor(),
        request.getTimeLimitSeconds() == 0 ? null : Duration.ofSeconds(request.getTimeLimitSeconds()),
        description(request.getDescription()), device, kind(request.getKind()));
  }

  private static io.farthing.payments.tab.Tab.Kind kind(TabKind kind) {
    return switch (kind) {
      case TAB_KIND_UNSPECIFIED, TAB_KIND_ITEMS -> io.farthing.payments.tab.Tab.Kind.ITEMS;
      case TAB_KIND_METERED -> io.farthing.payments.tab.Tab.Kind.METERED;
      default -> throw ApiException.invalid("kind must be TAB_KIND_ITEMS or TAB_KIND_METERED", "INVALID_KIND");
    };
  }

  /** A Money field that must be set and positive: MISSING_FIELD, else Amount's own reasons. */
  private static Amount requiredAmount(boolean present, io.farthing.proto.type.v1.Money money, String field) {
    if (!present) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    return Amount.positive(money.getAmountMinor(), money.getCurrency(), field);
  }

  private String description(String value) {
    return limited(value, "description", config.maxDescriptionLength());
  }

  /** Runs {@code call} as the verified partner; a synchronous throw fails the Uni (mapped once). */
  private <T> Uni<T> asPartner(Function<String, Uni<T>> call) {
    return GrpcCallers.asCaller(identity, call);
  }
}
