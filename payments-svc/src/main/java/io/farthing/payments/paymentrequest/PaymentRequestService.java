package io.farthing.payments.paymentrequest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.StoredOutcome;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Payment requests: a merchant creates, reads and cancels its own; a user previews one and pays
 * it with one call.
 *
 * <p>Paying is an ordinary charge for the merchant ({@link ChargeService#createByUser}: limits,
 * risk, step-up, ledger, outbox), linked to the request through the charge's metadata. Single use
 * holds under concurrency because the link is part of the charge row, inserted in the same
 * transaction as the wallet debit, under the unique index {@value
 * PaymentRequestRepository#SINGLE_USE_INDEX}: of two payers only one transaction commits; the
 * other rolls back whole (its debit included) and is answered PAYMENT_REQUEST_ALREADY_PAID. A
 * refused charge (FAILED) or an unanswered challenge (EXPIRED) is outside that index, so it
 * never uses a request up. The checks before the charge (cancelled, expired, paid) only spare
 * the charge path work; the index is what enforces single use.
 */
@ApplicationScoped
public class PaymentRequestService {
  public static final String NOT_FOUND = "PAYMENT_REQUEST_NOT_FOUND";
  public static final String EXPIRED = "PAYMENT_REQUEST_EXPIRED";
  public static final String ALREADY_PAID = "PAYMENT_REQUEST_ALREADY_PAID";
  public static final String CANCELLED = "PAYMENT_REQUEST_CANCELLED";
  public static final String PENDING = "PAYMENT_REQUEST_PENDING";
  static final String OP_CREATE = "CreatePaymentRequest";
  static final String OP_CANCEL = "CancelPaymentRequest";
  static final String PAY = "PayPaymentRequest";
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  /** A request as the partner asked for it; {@link #create} validates it. */
  public record NewPaymentRequest(
      String idempotencyKey,
      Number amountMinor,
      String currency,
      String description,
      String reference,
      PaymentRequest.Usage usage,
      long expiresInSeconds) {}

  /** What a payer sees before paying: no partner internals, no signature material. */
  public record Preview(PaymentRequest request, String merchantName, PaymentRequestStatus status) {}

  /** A payment made (or waiting for the user's step-up), and the request it was for. */
  public record Payment(io.farthing.proto.payments.v1.Charge charge, PaymentRequest request, String merchantName) {}

  private final Pool pool;
  private final PaymentRequestRepository requests;
  private final PaymentRequestSigner signer;
  private final ChargeService charges;
  private final MerchantService merchants;
  private final IdempotencyKeys keys;
  private final io.farthing.payments.idempotency.GrpcIdempotency grpcIdempotency;
  private final PaymentRequestsConfig config;
  private final PaymentsConfig paymentsConfig;
  private final MeterRegistry meters;

  public PaymentRequestService(
      Pool pool,
      PaymentRequestRepository requests,
      PaymentRequestSigner signer,
      ChargeService charges,
      MerchantService merchants,
      IdempotencyKeys keys,
      io.farthing.payments.idempotency.GrpcIdempotency grpcIdempotency,
      PaymentRequestsConfig config,
      PaymentsConfig paymentsConfig,
      MeterRegistry meters) {
    this.pool = pool;
    this.requests = requests;
    this.signer = signer;
    this.charges = charges;
    this.merchants = merchants;
    this.keys = keys;
    this.grpcIdempotency = grpcIdempotency;
    this.config = config;
    this.paymentsConfig = paymentsConfig;
    this.meters = meters;
  }

  // ------------------------------------------------------------------------------------------
  // The merchant's side
  // ------------------------------------------------------------------------------------------

  public Uni<io.farthing.proto.payments.v1.PaymentRequest> create(String partner, NewPaymentRequest asked) {
    String key = IdempotencyKeys.requireKey(asked.idempotencyKey(), "idempotency_key");
    Amount amount = Amount.positive(asked.amountMinor(), asked.currency(), "amount");
    String description = description(asked.description());
    String reference = reference(asked.reference());
    PaymentRequest.Usage usage = asked.usage() == null ? PaymentRequest.Usage.SINGLE_USE : asked.usage();
    Duration expiresIn = expiresIn(asked.expiresInSeconds());
    byte[] hash =
        IdempotencyKeys.hash(
            OP_CREATE, bytes(amount.amountMinor() + " " + amount.currency()), bytes(description),
            bytes(reference == null ? "" : reference), bytes(usage.name()),
            bytes(Long.toString(asked.expiresInSeconds())));
    return idempotent(
        partner,
        key,
        OP_CREATE,
        hash,
        claim ->
            merchants
                .requireChargeable(partner, amount.currency())
                .chain(() -> insert(claim, partner, amount, description, reference, usage, expiresIn)));
  }

  private Uni<io.farthing.proto.payments.v1.PaymentRequest> insert(
      Claim.Fresh claim, String partner, Amount amount, String description, String reference,
      PaymentRequest.Usage usage, Duration expiresIn) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    // Whole seconds: the payload carries the expiry in seconds, and must say what the row says.
    Instant expiresAt = now.plus(expiresIn).truncatedTo(ChronoUnit.SECONDS);
    PaymentRequest request =
        new PaymentRequest(
            Ids.newId(), partner, amount.currency(), amount.amountMinor(), description, reference, usage, false,
            expiresAt, null, now);
    var message = message(request, PaymentRequest.Payments.NONE, now);
    return pool.withTransaction(
            tx ->
                requests
                    .insert(tx, request)
                    .chain(() -> keys.complete(tx, claim, StoredOutcome.success(request.id(), message.toByteArray()))))
        .invoke(() -> meters.counter("farthing.payments.payment_requests.created", "usage", usage.name()).increment())
        .replaceWith(message);
  }

  public Uni<io.farthing.proto.payments.v1.PaymentRequest> get(String partner, UUID id) {
    return requests
        .find(id)
        .map(found -> found.filter(r -> r.partnerClientId().equals(partner)))
        .map(found -> found.orElseThrow(PaymentRequestService::notFound))
        .chain(request -> requests.payments(request).map(paid -> message(request, paid, Instant.now())));
  }

  /**
   * Stops the request from taking new payments. A single-use request that is paid (or whose
   * payment waits for step-up) cannot be cancelled: refund the charge instead.
   */
  public Uni<io.farthing.proto.payments.v1.PaymentRequest> cancel(String partner, String idempotencyKey, UUID id) {
    String key = IdempotencyKeys.requireKey(idempotencyKey, "idempotency_key");
    return idempotent(
        partner,
        key,
        OP_CANCEL,
        IdempotencyKeys.hash(OP_CANCEL, bytes(id.toString())),
        claim ->
            pool.withTransaction(
                tx ->
                    requests
                        .lockOwned(tx, partner, id)
                        .map(found -> found.orElseThrow(PaymentRequestService::notFound))
                        .chain(
                            request ->
                                requests.payments(tx, request).chain(paid -> cancelLocked(tx, claim, request, paid)))));
  }

  private Uni<io.farthing.proto.payments.v1.PaymentRequest> cancelLocked(
      SqlConnection tx, Claim.Fresh claim, PaymentRequest request, PaymentRequest.Payments paid) {
    if (request.singleUse() && paid.count() > 0) {
      throw paid.awaitingStepUp() ? pending() : alreadyPaid();
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    PaymentRequest cancelled = request.cancelled() ? request : cancelled(request, now);
    var message = message(cancelled, paid, now);
    Uni<Boolean> stored = request.cancelled() ? Uni.createFrom().item(true) : requests.cancel(tx, request.id(), now);
    return stored
        .chain(() -> keys.complete(tx, claim, StoredOutcome.success(request.id(), message.toByteArray())))
        .replaceWith(message);
  }

  // ------------------------------------------------------------------------------------------
  // The payer's side
  // ------------------------------------------------------------------------------------------

  /** A request by its payload (or link) or its id, as the payer sees it before paying. */
  public Uni<Preview> preview(String payloadOrId) {
    UUID id = looksLikeId(payloadOrId) ? Ids.parse(payloadOrId, "payloadOrId") : verify(payloadOrId).requestId();
    return requests
        .find(id)
        .map(found -> found.orElseThrow(PaymentRequestService::notFound))
        .chain(
            request ->
                Uni.combine()
                    .all()
                    .unis(requests.payments(request), merchantName(request))
                    .asTuple()
                    .map(
                        t ->
                            new Preview(
                                request, t.getItem2(), PaymentRequestStatus.of(request, t.getItem1(), Instant.now()))));
  }

  /**
   * Pays a request from the user's wallet: verify the payload, refuse a request that cannot be
   * paid, then the charge path. A retry with the same Idempotency-Key answers what the first
   * attempt got (the same charge, or the same refusal of the charge path), even once the request
   * has since been paid, cancelled or expired.
   */
  public Uni<Payment> pay(UUID userId, String idempotencyKey, String payloadOrLink, String deviceId) {
    String caller = "user:" + userId;
    String key = IdempotencyKeys.requireKey(idempotencyKey, "Idempotency-Key");
    PaymentRequestSigner.Payload payload = verify(payloadOrLink);
    return requests
        .find(payload.requestId())
        .map(found -> found.orElseThrow(PaymentRequestService::notFound))
        .chain(
            request ->
                requests
                    .payments(request)
                    .chain(
                        paid -> {
                          ApiException refusal = refusal(request, paid, Instant.now());
                          if (refusal == null) {
                            return charge(caller, userId, key, request, deviceId);
                          }
                          return keys.resourceOf(caller, key, ChargeService.OP_CREATE)
                              .chain(
                                  used ->
                                      used.isPresent()
                                          ? charge(caller, userId, key, request, deviceId)
                                          : refused(refusal));
                        })
                    .chain(charge -> merchantName(request).map(name -> new Payment(charge, request, name))));
  }

  private Uni<io.farthing.proto.payments.v1.Charge> charge(
      String caller, UUID userId, String key, PaymentRequest request, String deviceId) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(PaymentRequestRepository.META_REQUEST_ID, request.id().toString());
    metadata.put(PaymentRequestRepository.META_USAGE, request.usage().name());
    if (request.reference() != null) {
      metadata.put(PaymentRequestRepository.META_REFERENCE, request.reference());
    }
    ChargeService.NewCharge charge =
        new ChargeService.NewCharge(
            key, IdempotencyKeys.hash(PAY, bytes(request.id().toString())), null, userId, request.amountMinor(),
            request.currency(), request.description(), false, deviceId, Map.copyOf(metadata));
    return charges
        .createByUser(caller, request.partnerClientId(), userId, charge)
        .onFailure(PaymentRequestService::isSingleUseTaken)
        .recoverWithUni(
            e ->
                requests
                    .payments(request)
                    .chain(
                        paid ->
                            refused(
                                paid.count() == 0
                                    // the payment that held it was refused or expired a moment ago
                                    ? new ApiException(
                                        ApiException.Kind.IN_PROGRESS, PENDING,
                                        "This payment request is being paid by someone else; retry shortly", 1L)
                                    : paid.awaitingStepUp() ? pending() : alreadyPaid())));
  }

  /** Why this request cannot be paid now, or null when it can. */
  static ApiException refusal(PaymentRequest request, PaymentRequest.Payments paid, Instant now) {
    return switch (PaymentRequestStatus.of(request, paid, now)) {
      case OPEN -> null;
      case PAID -> alreadyPaid();
      case PENDING -> pending();
      case CANCELLED -> ApiException.precondition("This payment request was cancelled by the merchant", CANCELLED);
      case EXPIRED -> ApiException.precondition("This payment request has expired", EXPIRED);
    };
  }

  private <T> Uni<T> refused(ApiException refusal) {
    meters.counter("farthing.payments.payment_requests.refused", "reason", refusal.reason()).increment();
    return Uni.createFrom().failure(refusal);
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  private io.farthing.proto.payments.v1.PaymentRequest message(
      PaymentRequest request, PaymentRequest.Payments paid, Instant now) {
    String payload = signer.sign(request.id(), request.expiresAt());
    return PaymentRequestMessages.message(
        request, paid, PaymentRequestStatus.of(request, paid, now), payload, config.baseUrl() + payload);
  }

  /** The payload itself, or its link (the base URL followed by the payload). */
  private PaymentRequestSigner.Payload verify(String payloadOrLink) {
    String text = payloadOrLink == null ? null : payloadOrLink.trim();
    if (text != null && text.startsWith(config.baseUrl())) {
      text = text.substring(config.baseUrl().length());
      if (text.regionMatches(true, 0, "farthing%3A", 0, 11)) {
        text = "farthing:" + text.substring(11);
      }
    }
    return signer.verify(text);
  }

  private Uni<String> merchantName(PaymentRequest request) {
    return merchants.cached(request.partnerClientId()).map(found -> found.map(Merchant::name).orElse(""));
  }

  private String description(String description) {
    String text = description == null ? "" : description;
    int max = paymentsConfig.charges().maxDescriptionLength();
    if (text.length() > max) {
      throw ApiException.invalid("description is longer than " + max + " characters", "FIELD_TOO_LONG");
    }
    return text;
  }

  private String reference(String reference) {
    if (reference == null || reference.isEmpty()) {
      return null;
    }
    int max = config.maxReferenceLength();
    if (reference.length() > max) {
      throw ApiException.invalid("reference is longer than " + max + " characters", "FIELD_TOO_LONG");
    }
    if (reference.isBlank() || CONTROL.matcher(reference).find()) {
      throw ApiException.invalid("reference must be printable characters, not only spaces", "INVALID_REFERENCE");
    }
    return reference;
  }

  private Duration expiresIn(long seconds) {
    if (seconds == 0) {
      return config.defaultExpiry();
    }
    Duration min = config.minExpiry();
    Duration max = config.maxExpiry();
    if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
      throw ApiException.invalid(
          "expires_in_seconds must be between " + min.toSeconds() + " and " + max.toSeconds(), "INVALID_EXPIRY");
    }
    return Duration.ofSeconds(seconds);
  }

  private static boolean looksLikeId(String text) {
    return text != null && text.length() == 36 && !text.toLowerCase(Locale.ROOT).startsWith("farthing");
  }

  private static PaymentRequest cancelled(PaymentRequest r, Instant at) {
    return new PaymentRequest(
        r.id(), r.partnerClientId(), r.currency(), r.amountMinor(), r.description(), r.reference(), r.usage(), true,
        r.expiresAt(), at, r.createdAt());
  }

  /** The insert of a second live charge for a single-use request, refused by the unique index. */
  static boolean isSingleUseTaken(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof PgException pg
          && "23505".equals(pg.getSqlState())
          && PaymentRequestRepository.SINGLE_USE_INDEX.equals(pg.getConstraint())) {
        return true;
      }
    }
    return false;
  }

  /** Money rule 4 for the partner's call: the key claimed, the work run once, a replay answered. */
  private Uni<io.farthing.proto.payments.v1.PaymentRequest> idempotent(
      String partner,
      String key,
      String operation,
      byte[] hash,
      Function<Claim.Fresh, Uni<io.farthing.proto.payments.v1.PaymentRequest>> work) {
    return grpcIdempotency.run(
        partner, key, operation, hash, io.farthing.proto.payments.v1.PaymentRequest::parseFrom, work);
  }

  static ApiException notFound() {
    return ApiException.notFound("No such payment request", NOT_FOUND);
  }

  static ApiException alreadyPaid() {
    return ApiException.precondition("This payment request has already been paid", ALREADY_PAID);
  }

  static ApiException pending() {
    return ApiException.precondition(
        "This payment request is being paid and waits for the payer's confirmation", PENDING);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
