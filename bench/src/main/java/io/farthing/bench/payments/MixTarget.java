package io.farthing.bench.payments;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.bench.load.Target;
import io.farthing.bench.payments.MixWeights.Op;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.type.v1.Money;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The mixed workload: partners charging their users under consent (gRPC CreateCharge), refunding
 * earlier succeeded charges (RefundCharge) and looking them up (GetCharge); people sending money
 * to each other (REST POST /v1/transfers), topping up (POST /v1/topups) and looking at their
 * wallets (GET /v1/wallets). Call {@code seq}'s operation comes from {@link MixWeights#pick};
 * its payer is {@code seq mod payers}, its merchant one of that payer's favourites.
 *
 * <p>A refund or a look-up needs an earlier charge: the charges that succeeded (in this run, the
 * runs before it and the pre-warm) are kept in a {@link ChargePool}; while it is empty such a call
 * is sent as a charge instead and counted in the details ({@code substitutedByCharge}).
 *
 * <p>Outcomes are the answer's status (SUCCEEDED, REFUNDED, PENDING, ...), failures
 * {@code CODE/REASON} (gRPC status and ErrorInfo reason) or {@code HTTP_<status>/<REASON>} (the
 * problem+json {@code reason}); each call is named with its operation, so the report has every
 * operation's figures apart.
 */
final class MixTarget implements Target {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final long TRANSFER_MIN_MINOR = 10;
  static final long TRANSFER_SPREAD_MINOR = 90;
  static final long TOP_UP_MIN_MINOR = 500;
  static final long TOP_UP_SPREAD_MINOR = 1_500;

  /** A succeeded charge: who made it, so that the same partner refunds or reads it. */
  record ChargeRef(String chargeId, int merchant) {}

  /**
   * Succeeded charges, kept across runs: the oldest not yet refunded are refunded first (each at
   * most once), and look-ups read any of the last {@link #RECENT}.
   */
  static final class ChargePool {
    static final int RECENT = 4096;
    private static final int MAX_REFUNDABLE = 200_000;
    private final ConcurrentLinkedDeque<ChargeRef> refundable = new ConcurrentLinkedDeque<>();
    private final AtomicInteger refundableSize = new AtomicInteger();
    private final AtomicReferenceArray<ChargeRef> recent = new AtomicReferenceArray<>(RECENT);
    private final AtomicInteger added = new AtomicInteger();

    void add(ChargeRef charge) {
      recent.set(Math.floorMod(added.getAndIncrement(), RECENT), charge);
      refundable.addLast(charge);
      if (refundableSize.incrementAndGet() > MAX_REFUNDABLE && refundable.pollFirst() != null) {
        refundableSize.decrementAndGet();
      }
    }

    /** The oldest charge not yet handed out for a refund, or null. */
    ChargeRef takeForRefund() {
      ChargeRef c = refundable.pollFirst();
      if (c != null) {
        refundableSize.decrementAndGet();
      }
      return c;
    }

    /** One of the recent charges, chosen by {@code hash}, or null while there is none. */
    ChargeRef recent(long hash) {
      int n = Math.min(added.get(), RECENT);
      return n == 0 ? null : recent.get((int) Math.floorMod(hash, (long) n));
    }

    int refundable() {
      return refundableSize.get();
    }
  }

  private final MixWeights weights;
  private final List<ChargeSetup.Payer> payers;
  private final int merchantCount;
  private final int favourites;
  private final ChargePool pool;
  private final String keyPrefix;
  private final long deadlineNanos;
  private final String paymentsUrl;
  private final Function<ChargeSetup.Payer, String> userToken;
  private final HttpClient http;
  /** [merchant][channel]. */
  private final PaymentsGrpc.PaymentsStub[][] stubs;
  private final Map<Op, LongAdder> sent = new java.util.EnumMap<>(Op.class);
  private final Map<Op, LongAdder> substituted = new java.util.EnumMap<>(Op.class);

  MixTarget(MixWeights weights, List<? extends Channel> channels, ChargeSetup.Population population,
      Function<ChargeSetup.Partner, String> partnerToken, Function<ChargeSetup.Payer, String> userToken,
      String paymentsUrl, HttpClient http, ChargePool pool, String keyPrefix, long deadlineNanos) {
    if (population.merchants().isEmpty() || population.favourites() < 1) {
      throw new IllegalArgumentException("the mixed workload needs merchants the payers consented to");
    }
    this.weights = weights;
    this.payers = population.payers();
    this.merchantCount = population.merchants().size();
    this.favourites = population.favourites();
    this.pool = pool;
    this.keyPrefix = keyPrefix;
    this.deadlineNanos = deadlineNanos;
    this.paymentsUrl = paymentsUrl;
    this.userToken = userToken;
    this.http = http;
    this.stubs = new PaymentsGrpc.PaymentsStub[merchantCount][];
    for (int m = 0; m < merchantCount; m++) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + partnerToken.apply(population.merchants().get(m)));
      stubs[m] = new PaymentsGrpc.PaymentsStub[channels.size()];
      for (int c = 0; c < channels.size(); c++) {
        stubs[m][c] = PaymentsGrpc.newStub(channels.get(c)).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
    }
    for (Op op : Op.values()) {
      sent.put(op, new LongAdder());
      substituted.put(op, new LongAdder());
    }
  }

  int payerIndex(long seq) {
    return (int) Math.floorMod(seq, (long) payers.size());
  }

  /** The merchant that charges call {@code seq}'s payer: one of the payer's favourites, in turn. */
  int merchantIndex(long seq) {
    int payer = payerIndex(seq);
    int j = (int) Math.floorMod(seq / payers.size(), (long) favourites);
    return ChargeSetup.favourite(payer, j, merchantCount);
  }

  /** Another payer than call {@code seq}'s: the recipient of its transfer. */
  int recipientIndex(long seq) {
    int from = payerIndex(seq);
    int offset = 1 + (int) Math.floorMod(MixWeights.mix(seq ^ 0x5DEECE66DL), (long) (payers.size() - 1));
    return (from + offset) % payers.size();
  }

  private PaymentsGrpc.PaymentsStub stub(int merchant, long seq) {
    PaymentsGrpc.PaymentsStub[] forMerchant = stubs[merchant];
    return forMerchant[(int) Math.floorMod(seq, (long) forMerchant.length)].withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void call(long seq, Completion done) {
    Op op = weights.pick(seq);
    if (op == Op.TRANSFER && payers.size() < 2) {
      op = Op.CHARGE;
    }
    ChargeRef earlier = null;
    if (op == Op.REFUND || op == Op.GET_CHARGE) {
      earlier = op == Op.REFUND ? pool.takeForRefund() : pool.recent(MixWeights.mix(seq));
      if (earlier == null) {
        substituted.get(op).increment();
        op = Op.CHARGE;
      }
    }
    sent.get(op).increment();
    done.operation(op.label);
    try {
      switch (op) {
        case CHARGE -> charge(seq, done);
        case REFUND -> refund(seq, earlier, done);
        case GET_CHARGE -> getCharge(seq, earlier, done);
        case TRANSFER -> transfer(seq, done);
        case TOPUP -> topUp(seq, done);
        case WALLET -> wallets(seq, done);
      }
    } catch (RuntimeException e) {
      done.failed("CLIENT_ERROR", e.toString());
    }
  }

  CreateChargeRequest chargeRequest(long seq) {
    return CreateChargeRequest.newBuilder()
        .setIdempotencyKey(keyPrefix + seq)
        .setUserId(payers.get(payerIndex(seq)).userId().toString())
        .setAmount(Money.newBuilder().setAmountMinor(ChargeTarget.amount(seq)).setCurrency(ChargeSetup.EUR))
        .setDescription("bench mix charge")
        .build();
  }

  private void charge(long seq, Completion done) {
    int merchant = merchantIndex(seq);
    stub(merchant, seq).createCharge(chargeRequest(seq), new Answer<Charge>(done) {
      @Override
      public void onNext(Charge charge) {
        if (charge.getStatus() == ChargeStatus.CHARGE_STATUS_SUCCEEDED) {
          pool.add(new ChargeRef(charge.getChargeId(), merchant));
        }
        String status = charge.getStatus().name().replace("CHARGE_STATUS_", "");
        if (charge.getRiskDecisionId().isEmpty()) {
          done.succeeded(status, "risk-fallback");
        } else {
          done.succeeded(status);
        }
      }
    });
  }

  private void refund(long seq, ChargeRef charge, Completion done) {
    RefundChargeRequest request = RefundChargeRequest.newBuilder()
        .setIdempotencyKey(keyPrefix + seq)
        .setChargeId(charge.chargeId())
        .setReason("bench mix refund")
        .build();
    stub(charge.merchant(), seq).refundCharge(request, new Answer<Refund>(done) {
      @Override
      public void onNext(Refund refund) {
        done.succeeded("REFUNDED");
      }
    });
  }

  private void getCharge(long seq, ChargeRef charge, Completion done) {
    stub(charge.merchant(), seq).getCharge(GetChargeRequest.newBuilder().setChargeId(charge.chargeId()).build(),
        new Answer<Charge>(done) {
          @Override
          public void onNext(Charge found) {
            done.succeeded(found.getStatus().name().replace("CHARGE_STATUS_", ""));
          }
        });
  }

  static long transferAmount(long seq) {
    return TRANSFER_MIN_MINOR + Math.floorMod(MixWeights.mix(seq ^ 0x7F4A7C15L), TRANSFER_SPREAD_MINOR);
  }

  static long topUpAmount(long seq) {
    return TOP_UP_MIN_MINOR + Math.floorMod(MixWeights.mix(seq ^ 0x3C6EF372L), TOP_UP_SPREAD_MINOR);
  }

  private void transfer(long seq, Completion done) {
    ChargeSetup.Payer from = payers.get(payerIndex(seq));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("toUserId", payers.get(recipientIndex(seq)).userId().toString());
    body.put("amountMinor", transferAmount(seq));
    body.put("currency", ChargeSetup.EUR);
    body.put("note", "bench mix");
    rest(post("/v1/transfers", from, body, seq), done, "SENT");
  }

  private void topUp(long seq, Completion done) {
    ChargeSetup.Payer payer = payers.get(payerIndex(seq));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("currency", ChargeSetup.EUR);
    body.put("amountMinor", topUpAmount(seq));
    body.put("instrument", "tok_sandbox_visa");
    rest(post("/v1/topups", payer, body, seq), done, null);
  }

  private void wallets(long seq, Completion done) {
    ChargeSetup.Payer payer = payers.get(payerIndex(seq));
    HttpRequest request = HttpRequest.newBuilder(URI.create(paymentsUrl + "/v1/wallets"))
        .timeout(Duration.ofNanos(deadlineNanos))
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + userToken.apply(payer))
        .GET()
        .build();
    rest(request, done, "OK");
  }

  private HttpRequest post(String path, ChargeSetup.Payer payer, Map<String, Object> body, long seq) {
    String json;
    try {
      json = JsonHttp.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return HttpRequest.newBuilder(URI.create(paymentsUrl + path))
        .timeout(Duration.ofNanos(deadlineNanos))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + userToken.apply(payer))
        .header("Idempotency-Key", keyPrefix + seq)
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  /**
   * Sends a REST call; a 2xx succeeds with {@code outcome}, or the body's {@code status} when
   * {@code outcome} is null (a top-up's SUCCEEDED or PENDING).
   */
  private void rest(HttpRequest request, Completion done, String outcome) {
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        done.failed(cause instanceof HttpTimeoutException ? "HTTP_TIMEOUT" : "HTTP_IO", cause.toString());
        return;
      }
      JsonNode body = parse(response.body());
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        done.succeeded(outcome != null ? outcome : body.path("status").asText("HTTP_" + status));
      } else {
        String reason = body.path("reason").asText("");
        done.failed("HTTP_" + status + (reason.isEmpty() ? "" : "/" + reason), body.path("detail").asText(null));
      }
    });
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
          : JsonHttp.JSON.readTree(body);
    } catch (IOException notJson) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  @Override
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mix", weights.toString());
    d.put("payers", payers.size());
    d.put("merchants", merchantCount);
    d.put("favouriteMerchantsPerPayer", favourites);
    Map<String, Object> sentCounts = new LinkedHashMap<>();
    Map<String, Object> substitutedCounts = new LinkedHashMap<>();
    for (Op op : Op.values()) {
      if (sent.get(op).sum() > 0) {
        sentCounts.put(op.label, sent.get(op).sum());
      }
      if (substituted.get(op).sum() > 0) {
        substitutedCounts.put(op.label, substituted.get(op).sum());
      }
    }
    d.put("sentByOperation", sentCounts);
    d.put("substitutedByCharge", substitutedCounts);
    d.put("substitutedNote", "a refund or look-up drawn while no earlier succeeded charge was at hand went out as a charge");
    d.put("refundableChargesLeft", pool.refundable());
    d.put("chargeAmountMinor", ChargeTarget.MIN_AMOUNT_MINOR + ".." + (ChargeTarget.MIN_AMOUNT_MINOR + ChargeTarget.AMOUNT_SPREAD_MINOR - 1));
    d.put("transferAmountMinor", TRANSFER_MIN_MINOR + ".." + (TRANSFER_MIN_MINOR + TRANSFER_SPREAD_MINOR - 1));
    d.put("topUpAmountMinor", TOP_UP_MIN_MINOR + ".." + (TOP_UP_MIN_MINOR + TOP_UP_SPREAD_MINOR - 1));
    d.put("refunds", "in full, oldest succeeded charge first, each at most once, by the partner that charged it");
    d.put("payerOrder", "round-robin: payer = seq mod payers; merchant = one of the payer's favourites in turn");
    return d;
  }

  /** A gRPC answer: onNext is the operation's own; a failure is CODE/REASON. */
  private abstract static class Answer<T> implements StreamObserver<T> {
    final Completion done;

    Answer(Completion done) {
      this.done = done;
    }

    @Override
    public void onError(Throwable failure) {
      Status status = Status.fromThrowable(failure);
      String reason = ChargeTarget.reason(failure);
      done.failed(reason == null ? status.getCode().name() : status.getCode().name() + "/" + reason, status.getDescription());
    }

    @Override
    public void onCompleted() {}
  }
}
