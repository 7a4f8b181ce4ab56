package io.farthing.payments.charge.grpc;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.Charge;
import io.farthing.payments.charge.ChargeMessages;
import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.FeeQuote;
import io.farthing.proto.payments.v1.GetChargeByIdempotencyKeyRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.ListChargesRequest;
import io.farthing.proto.payments.v1.ListChargesResponse;
import io.farthing.proto.payments.v1.Payments;
import io.farthing.proto.payments.v1.QuoteFeeRequest;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.type.v1.Money;
import io.farthing.common.grpc.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * farthing.payments.v1.Payments: scope per RPC, request validation and mapping, one service call.
 * The caller (a partner client id) comes from its verified token.
 */
@GrpcService
public class PaymentsGrpcService implements Payments {
  public static final String SCOPE_CHARGE = "payments:charge";
  public static final String SCOPE_REFUND = "payments:refund";
  public static final String SCOPE_READ = "payments:read";
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 20;
  private static final int MAX_KEY_CHARS = 128;

  private final ChargeService charges;
  private final CurrentIdentityAssociation identity;
  private final PaymentsConfig config;

  public PaymentsGrpcService(ChargeService charges, CurrentIdentityAssociation identity, PaymentsConfig config) {
    this.charges = charges;
    this.identity = identity;
    this.config = config;
  }

  @Override
  @RolesAllowed(SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.Charge> createCharge(CreateChargeRequest request) {
    return asPartner(partner -> charges.create(partner, newCharge(request)));
  }

  @Override
  @RolesAllowed(SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.Charge> confirmCharge(ConfirmChargeRequest request) {
    return asPartner(
        partner ->
            charges.confirm(
                partner,
                request.getIdempotencyKey(),
                Ids.parse(request.getChargeId(), "charge_id"),
                required(request.getStepUpToken(), "step_up_token", 4096)));
  }

  @Override
  @RolesAllowed(SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.Charge> captureCharge(CaptureChargeRequest request) {
    return asPartner(
        partner ->
            charges.capture(
                partner,
                request.getIdempotencyKey(),
                Ids.parse(request.getChargeId(), "charge_id"),
                request.hasAmount() ? positive(request.getAmount()) : null));
  }

  @Override
  @RolesAllowed(SCOPE_CHARGE)
  public Uni<io.farthing.proto.payments.v1.Charge> voidCharge(VoidChargeRequest request) {
    return asPartner(
        partner -> charges.voidCharge(partner, request.getIdempotencyKey(), Ids.parse(request.getChargeId(), "charge_id")));
  }

  @Override
  @RolesAllowed(SCOPE_REFUND)
  public Uni<Refund> refundCharge(RefundChargeRequest request) {
    return asPartner(
        partner ->
            charges.refund(
                partner,
                request.getIdempotencyKey(),
                Ids.parse(request.getChargeId(), "charge_id"),
                request.hasAmount() ? positive(request.getAmount()) : null,
                limited(request.getReason(), "reason", 500)));
  }

  @Override
  @RolesAllowed(SCOPE_READ)
  public Uni<io.farthing.proto.payments.v1.Charge> getCharge(GetChargeRequest request) {
    return asPartner(
        partner -> charges.get(partner, Ids.parse(request.getChargeId(), "charge_id")).map(ChargeMessages::charge));
  }

  @Override
  @RolesAllowed(SCOPE_READ)
  public Uni<io.farthing.proto.payments.v1.Charge> getChargeByIdempotencyKey(GetChargeByIdempotencyKeyRequest request) {
    return asPartner(partner -> charges.byIdempotencyKey(partner, request.getIdempotencyKey()).map(ChargeMessages::charge));
  }

  @Override
  @RolesAllowed(SCOPE_READ)
  public Uni<ListChargesResponse> listCharges(ListChargesRequest request) {
    return asPartner(
        partner -> {
          int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
          if (size < 1 || size > MAX_PAGE) {
            throw ApiException.invalid("page_size must be between 1 and " + MAX_PAGE, "INVALID_PAGE_SIZE");
          }
          UUID before = request.getPageToken().isEmpty() ? null : pageToken(request.getPageToken());
          UUID user = request.getUserId().isEmpty() ? null : Ids.parse(request.getUserId(), "user_id");
          Instant from = request.hasCreatedFrom() ? instant(request.getCreatedFrom()) : null;
          Instant to = request.hasCreatedTo() ? instant(request.getCreatedTo()) : null;
          return charges
              .list(partner, user, ChargeMessages.status(request.getStatus()), before, from, to, size + 1)
              .map(page -> page(page, size));
        });
  }

  @Override
  @RolesAllowed(SCOPE_CHARGE)
  public Uni<FeeQuote> quoteFee(QuoteFeeRequest request) {
    return asPartner(
        partner -> {
          Money amount = positive(request.getAmount());
          return charges.quote(partner, amount.getAmountMinor(), amount.getCurrency());
        });
  }

  private ChargeService.NewCharge newCharge(CreateChargeRequest request) {
    String key = request.getIdempotencyKey();
    Money amount = positive(request.getAmount());
    String token = null;
    UUID user = null;
    switch (request.getPayerCase()) {
      case USER_ACCESS_TOKEN -> token = required(request.getUserAccessToken(), "user_access_token", 8192);
      case USER_ID -> user = Ids.parse(request.getUserId(), "user_id");
      default -> throw ApiException.invalid("user_access_token or user_id is required", "MISSING_FIELD");
    }
    String description = limited(request.getDescription(), "description", config.charges().maxDescriptionLength());
    Map<String, String> metadata = request.getMetadataMap();
    if (metadata.size() > config.charges().maxMetadataEntries()) {
      throw ApiException.invalid(
          "metadata has more than " + config.charges().maxMetadataEntries() + " entries", "FIELD_TOO_LONG");
    }
    metadata.forEach(
        (k, v) -> {
          limited(k, "metadata key", 40);
          limited(v, "metadata value", 500);
        });
    String device = request.getDeviceId().isEmpty() ? null : limited(request.getDeviceId(), "device_id", MAX_KEY_CHARS);
    // "The same request": every field but the idempotency key and the payer token, whose place the
    // resolved user id takes (a refreshed token on a retry is still the same payment).
    byte[] canonical =
        request.toBuilder().clearIdempotencyKey().clearUserAccessToken().build().toByteArray();
    return new ChargeService.NewCharge(
        key, canonical, token, user, amount.getAmountMinor(), amount.getCurrency(), description,
        request.getCaptureLater(), device, Map.copyOf(new java.util.TreeMap<>(metadata)), request.getFinalSale());
  }

  private ListChargesResponse page(List<Charge> rows, int size) {
    ListChargesResponse.Builder response = ListChargesResponse.newBuilder();
    rows.stream().limit(size).map(ChargeMessages::charge).forEach(response::addCharges);
    if (rows.size() > size) {
      response.setNextPageToken(rows.get(size - 1).id().toString());
    }
    return response.build();
  }

  private static UUID pageToken(String token) {
    try {
      return UUID.fromString(token);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("page_token is not one this service gave", "INVALID_PAGE_TOKEN");
    }
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Money positive(Money money) {
    Amount amount = Amount.positive(money.getAmountMinor(), money.getCurrency(), "amount");
    return ChargeMessages.money(amount.amountMinor(), amount.currency());
  }

  /** A required string field, at most {@code max} characters (MISSING_FIELD, FIELD_TOO_LONG). */
  public static String required(String value, String field, int max) {
    if (value == null || value.isEmpty()) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    return limited(value, field, max);
  }

  /** A string field of at most {@code max} characters (FIELD_TOO_LONG). */
  public static String limited(String value, String field, int max) {
    if (value.length() > max) {
      throw ApiException.invalid(field + " is longer than " + max + " characters", "FIELD_TOO_LONG");
    }
    return value;
  }

  /** Runs {@code call} as the verified partner; a synchronous throw fails the Uni (mapped once). */
  private <T> Uni<T> asPartner(Function<String, Uni<T>> call) {
    return GrpcCallers.asCaller(identity, call);
  }
}
