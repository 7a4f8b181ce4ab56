package io.farthing.bench.payments;

import com.google.rpc.ErrorInfo;
import io.farthing.bench.load.Target;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.type.v1.Money;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code farthing.payments.v1.Payments/CreateCharge} under consent ({@code user_id}), each call a
 * new idempotency key, the payers taken in turn, amounts spread over 1.01–3.00 EUR (above 1.00:
 * see {@link ChargeSetup#applyRiskPolicy}). Calls go round-robin over the channels (every
 * payments-svc given, a few connections each). Either every payer is charged by the one shared
 * merchant, or each by its own: the "hot row" comparison.
 *
 * <p>Outcomes are the charge's status (SUCCEEDED, REQUIRES_ACTION, ...); a charge risk-svc did not
 * decide (payments-svc's fallback policy: no decision id) is flagged {@code risk-fallback}.
 * Refusals are counted as {@code CODE/REASON} from google.rpc.ErrorInfo.
 */
final class ChargeTarget implements Target {
  static final long MIN_AMOUNT_MINOR = 101;
  static final long AMOUNT_SPREAD_MINOR = 200;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<ChargeSetup.Payer> payers;
  private final boolean ownMerchants;
  private final String keyPrefix;
  private final long deadlineNanos;
  /** [payer][channel]: the stub carrying the token of the partner that charges this payer. */
  private final PaymentsGrpc.PaymentsStub[][] stubs;

  ChargeTarget(List<? extends Channel> channels, List<ChargeSetup.Payer> payers, boolean ownMerchants,
      Function<ChargeSetup.Partner, String> tokenOf, ChargeSetup.Partner shared, String keyPrefix, long deadlineNanos) {
    this.payers = payers;
    this.ownMerchants = ownMerchants;
    this.keyPrefix = keyPrefix;
    this.deadlineNanos = deadlineNanos;
    PaymentsGrpc.PaymentsStub[] sharedStubs = stubs(channels, tokenOf.apply(shared));
    this.stubs = new PaymentsGrpc.PaymentsStub[payers.size()][];
    for (int i = 0; i < payers.size(); i++) {
      stubs[i] = ownMerchants ? stubs(channels, tokenOf.apply(payers.get(i).own())) : sharedStubs;
    }
  }

  private static PaymentsGrpc.PaymentsStub[] stubs(List<? extends Channel> channels, String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    PaymentsGrpc.PaymentsStub[] out = new PaymentsGrpc.PaymentsStub[channels.size()];
    for (int c = 0; c < out.length; c++) {
      out[c] = PaymentsGrpc.newStub(channels.get(c)).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return out;
  }

  /** Call {@code seq}'s request: the same seq always gives the same payer, amount and key. */
  CreateChargeRequest request(long seq) {
    ChargeSetup.Payer payer = payers.get((int) Math.floorMod(seq, (long) payers.size()));
    return CreateChargeRequest.newBuilder()
        .setIdempotencyKey(keyPrefix + seq)
        .setUserId(payer.userId().toString())
        .setAmount(Money.newBuilder().setAmountMinor(amount(seq)).setCurrency(ChargeSetup.EUR))
        .setDescription("bench charge")
        .build();
  }

  static long amount(long seq) {
    long mixed = seq * 0x9E3779B97F4A7C15L;
    return MIN_AMOUNT_MINOR + Math.floorMod(mixed ^ (mixed >>> 29), AMOUNT_SPREAD_MINOR);
  }

  PaymentsGrpc.PaymentsStub stub(long seq) {
    PaymentsGrpc.PaymentsStub[] forPayer = stubs[(int) Math.floorMod(seq, (long) payers.size())];
    return forPayer[(int) Math.floorMod(seq, (long) forPayer.length)];
  }

  @Override
  public void call(long seq, Completion done) {
    stub(seq).withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).createCharge(request(seq), new Answer(done));
  }

  @Override
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("payers", payers.size());
    d.put("merchants", ownMerchants ? "one per payer (" + payers.size() + ")" : "one, shared by every payer");
    d.put("amountMinor", MIN_AMOUNT_MINOR + ".." + (MIN_AMOUNT_MINOR + AMOUNT_SPREAD_MINOR - 1) + " EUR, spread evenly");
    d.put("payerOrder", "round-robin: payer = seq mod payers");
    return d;
  }

  /** Maps one answer (or refusal) to the run's outcome vocabulary. */
  private static final class Answer implements StreamObserver<Charge> {
    private final Completion done;

    Answer(Completion done) {
      this.done = done;
    }

    @Override
    public void onNext(Charge charge) {
      String status = charge.getStatus().name().replace("CHARGE_STATUS_", "");
      if (charge.getRiskDecisionId().isEmpty()) {
        done.succeeded(status, "risk-fallback");
      } else {
        done.succeeded(status);
      }
    }

    @Override
    public void onError(Throwable failure) {
      Status status = Status.fromThrowable(failure);
      String reason = reason(failure);
      done.failed(reason == null ? status.getCode().name() : status.getCode().name() + "/" + reason,
          status.getDescription());
    }

    @Override
    public void onCompleted() {}
  }

  static String reason(Throwable failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return null;
    }
    for (var any : status.getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        try {
          return any.unpack(ErrorInfo.class).getReason();
        } catch (Exception unreadable) {
          return null;
        }
      }
    }
    return null;
  }
}
