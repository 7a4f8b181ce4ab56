package io.farthing.e2e.faults;

import static io.farthing.e2e.harness.Grpc.eur;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.faults.FaultInvariants.AckedCharge;
import io.farthing.e2e.faults.FaultInvariants.AckedRefund;
import io.farthing.e2e.faults.FaultInvariants.AckedTopUp;
import io.farthing.e2e.faults.FaultInvariants.AckedTransfer;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.Http;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Partner and people traffic through the whole fault run: caller threads making consented
 * CreateCharge calls (some capture_later, then captured or voided), refunds, REST top-ups and
 * transfers, to both payments-svc instances. A call that gets UNAVAILABLE, ABORTED or
 * DEADLINE_EXCEEDED — or no answer at all — is retried with the same idempotency key (on the
 * other instance next), as the contract says a partner may; every answer that settles a call is
 * recorded, and every single attempt is logged with its time and outcome for the fault report.
 */
public final class Load {
  /** Answers after which the same request is sent again with the same key. */
  private static final Set<String> RETRIED = Set.of("UNAVAILABLE", "ABORTED", "DEADLINE_EXCEEDED", "INTERNAL",
      "UNKNOWN", "CANCELLED", "IO", "HTTP_503", "HTTP_409", "HTTP_500", "HTTP_502", "HTTP_504");
  /** How long one call is retried before it is given up as unresolved (a fault lasts less). */
  private static final Duration RETRY_BUDGET = Duration.ofSeconds(120);
  private static final long CALL_DEADLINE_MS = 10_000;
  public static final long TOP_UP_MINOR = 5_000;

  /** One RPC or HTTP request: when it ended, where it went, what it was, how it ended. */
  public record Attempt(long endNanos, String target, String op, String outcome) {}

  private final Platform platform;
  private final List<Partner> partners;
  private final List<User> payers;
  private final List<String> targets;
  private final long seed;

  final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<AckedCharge> charges = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<AckedTopUp> topUps = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<AckedTransfer> transfers = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<AckedRefund> refunds = new ConcurrentLinkedQueue<>();
  final Set<String> keysSent = ConcurrentHashMap.newKeySet();
  /** How each operation finally ended ("charge: OK SUCCEEDED", "transfer: HTTP_422 INSUFFICIENT_FUNDS", …). */
  final Map<String, Integer> results = new ConcurrentHashMap<>();
  /** Calls that had no definitive answer within the retry budget. */
  final ConcurrentLinkedQueue<String> unresolved = new ConcurrentLinkedQueue<>();
  /** Charges answered without a risk decision (payments-svc's fallback policy decided): when, how much, status. */
  final ConcurrentLinkedQueue<Fallback> fallbacks = new ConcurrentLinkedQueue<>();
  /** When each charge answered with risk-svc's own decision was acknowledged. */
  final ConcurrentLinkedQueue<Long> scoredAtNanos = new ConcurrentLinkedQueue<>();
  private final List<Held> held = new ArrayList<>();
  private final List<Held> captured = new ArrayList<>();
  private volatile boolean stopping;
  private ExecutorService callers;
  private final List<Future<?>> running = new ArrayList<>();

  private record Held(Partner partner, String chargeId, long amountMinor) {}

  public record Fallback(long atNanos, long amountMinor, String status) {}

  public Load(Platform platform, List<Partner> partners, List<User> payers, List<String> targets, long seed) {
    this.platform = platform;
    this.partners = partners;
    this.payers = payers;
    this.targets = targets;
    this.seed = seed;
  }

  public void start(int threads) {
    callers = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed + t);
      running.add(callers.submit(() -> {
        while (!stopping) {
          step(random);
        }
        return null;
      }));
    }
  }

  /** Stops after every caller's current call is settled (bounded by the retry budget). */
  public void stop() throws Exception {
    stopping = true;
    for (Future<?> f : running) {
      f.get(RETRY_BUDGET.toSeconds() + 60, TimeUnit.SECONDS);
    }
    callers.shutdownNow();
  }

  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  public List<AckedCharge> charges() {
    return List.copyOf(charges);
  }

  public List<AckedTopUp> topUps() {
    return List.copyOf(topUps);
  }

  public List<AckedTransfer> transfers() {
    return List.copyOf(transfers);
  }

  public List<AckedRefund> refunds() {
    return List.copyOf(refunds);
  }

  public Set<String> keysSent() {
    return Set.copyOf(keysSent);
  }

  public Map<String, Integer> results() {
    return Map.copyOf(results);
  }

  public List<String> unresolved() {
    return List.copyOf(unresolved);
  }

  public List<Fallback> fallbacks() {
    return List.copyOf(fallbacks);
  }

  /** When the first charge after {@code nanos} was decided by risk-svc itself (-1: none). */
  public long scoredAfter(long nanos) {
    return scoredAtNanos.stream().filter(t -> t >= nanos).mapToLong(Long::longValue).min().orElse(-1);
  }

  private void step(Random random) {
    int first = random.nextInt(2);
    int pick = random.nextInt(100);
    if (pick < 40) {
      charge(random, first, false);
    } else if (pick < 55) {
      charge(random, first, true);
    } else if (pick < 65) {
      capture(random, first);
    } else if (pick < 70) {
      voidHeld(random, first);
    } else if (pick < 80) {
      refund(random, first);
    } else if (pick < 88) {
      topUp(random, first);
    } else {
      transfer(random, first);
    }
  }

  private String key(String op) {
    String key = "faults-" + op + "-" + UUID.randomUUID();
    keysSent.add(key);
    return key;
  }

  private void charge(Random random, int first, boolean captureLater) {
    Partner partner = partners.get(random.nextInt(partners.size()));
    User payer = payers.get(random.nextInt(payers.size()));
    // Mostly 1.01–1.99 (the fallback lets them through), some 2.00–4.50 (the fallback challenges).
    long amount = random.nextInt(10) < 7 ? 101 + random.nextInt(99) : 200 + random.nextInt(251);
    String key = key("charge");
    CreateChargeRequest request = CreateChargeRequest.newBuilder().setIdempotencyKey(key)
        .setUserId(payer.id().toString()).setAmount(eur(amount)).setCaptureLater(captureLater)
        .setDescription("fault run").build();
    String op = captureLater ? "authorize" : "charge";
    Grpc.Outcome<Charge> o = grpc(op, first, i -> () -> platform.partnerApi(partner, i)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS).createCharge(request));
    if (o == null) {
      return;
    }
    if (o.ok()) {
      Charge c = o.value();
      String status = c.getStatus().name().substring("CHARGE_STATUS_".length());
      boolean fallback = c.getRiskDecisionId().isEmpty();
      charges.add(new AckedCharge(partner.clientId(), key, c.getChargeId(), payer.id().toString(), amount, status, fallback));
      if (fallback) {
        fallbacks.add(new Fallback(System.nanoTime(), amount, status));
      } else {
        scoredAtNanos.add(System.nanoTime());
      }
      synchronized (this) {
        if (status.equals("AUTHORIZED")) {
          held.add(new Held(partner, c.getChargeId(), amount));
        } else if (status.equals("SUCCEEDED")) {
          captured.add(new Held(partner, c.getChargeId(), amount));
        }
      }
    } else {
      charges.add(new AckedCharge(partner.clientId(), key, null, payer.id().toString(), amount, null, false));
    }
  }

  private void capture(Random random, int first) {
    Held h = take(held, random);
    if (h == null) {
      return;
    }
    CaptureChargeRequest.Builder request = CaptureChargeRequest.newBuilder().setIdempotencyKey(key("capture"))
        .setChargeId(h.chargeId());
    if (random.nextBoolean()) {
      // At least half: a capture of a few cents is refused by the fee guardrail.
      request.setAmount(eur(h.amountMinor() / 2 + random.nextInt((int) (h.amountMinor() - h.amountMinor() / 2))));
    }
    Grpc.Outcome<Charge> o = grpc("capture", first, i -> () -> platform.partnerApi(h.partner(), i)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS).captureCharge(request.build()));
    if (o != null && o.ok()) {
      synchronized (this) {
        captured.add(new Held(h.partner(), h.chargeId(), o.value().getCaptured().getAmountMinor()));
      }
    }
  }

  private void voidHeld(Random random, int first) {
    Held h = take(held, random);
    if (h == null) {
      return;
    }
    VoidChargeRequest request = VoidChargeRequest.newBuilder().setIdempotencyKey(key("void")).setChargeId(h.chargeId()).build();
    grpc("void", first, i -> () -> platform.partnerApi(h.partner(), i)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS).voidCharge(request));
  }

  private void refund(Random random, int first) {
    Held h;
    synchronized (this) {
      h = captured.isEmpty() ? null : captured.get(random.nextInt(captured.size()));
    }
    if (h == null) {
      return;
    }
    RefundChargeRequest.Builder request = RefundChargeRequest.newBuilder().setIdempotencyKey(key("refund"))
        .setChargeId(h.chargeId()).setReason("fault run");
    if (random.nextBoolean()) {
      request.setAmount(eur(1 + random.nextInt((int) Math.max(1, h.amountMinor() / 2))));
    }
    Grpc.Outcome<Refund> o = grpc("refund", first, i -> () -> platform.partnerApi(h.partner(), i)
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS).refundCharge(request.build()));
    if (o != null && o.ok()) {
      refunds.add(new AckedRefund(h.chargeId(), o.value().getRefundId(), o.value().getAmount().getAmountMinor()));
    }
  }

  private void topUp(Random random, int first) {
    User payer = payers.get(random.nextInt(payers.size()));
    String key = key("topup");
    Map<String, Object> body = Map.of("currency", Platform.EUR, "amountMinor", TOP_UP_MINOR, "instrument", "tok_sandbox_visa");
    Http.Reply reply = rest("topup", first, i -> platform.http().post(platform.payments(i) + "/v1/topups", payer.token(), body,
        Map.of("Idempotency-Key", key)));
    if (reply == null) {
      return;
    }
    JsonNode t = reply.body();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (reply.status() == 202 && "PENDING".equals(t.path("status").asText()) && System.nanoTime() < deadline) {
      sleep(500);
      try {
        Http.Reply again = platform.http().get(platform.payments(first) + "/v1/topups/" + t.path("id").asText(), payer.token());
        if (again.status() == 200) {
          t = again.body();
        }
      } catch (UncheckedIOException down) {
        // the instance went away meanwhile; look again
      }
    }
    if ("SUCCEEDED".equals(t.path("status").asText())) {
      topUps.add(new AckedTopUp(payer.id().toString(), key, t.path("id").asText(), TOP_UP_MINOR));
    }
  }

  private void transfer(Random random, int first) {
    User from = payers.get(random.nextInt(payers.size()));
    User to = payers.get(random.nextInt(payers.size()));
    if (from.equals(to)) {
      return;
    }
    long amount = 150 + random.nextInt(151);
    String key = key("transfer");
    Map<String, Object> body = Map.of("toUserId", to.id().toString(), "amountMinor", amount, "currency", Platform.EUR,
        "note", "fault run");
    Http.Reply reply = rest("transfer", first, i -> platform.http().post(platform.payments(i) + "/v1/transfers", from.token(),
        body, Map.of("Idempotency-Key", key)));
    if (reply != null && reply.status() == 201) {
      transfers.add(new AckedTransfer(key, reply.body().path("id").asText(), from.id().toString(), to.id().toString(), amount));
    }
  }

  private synchronized Held take(List<Held> from, Random random) {
    return from.isEmpty() ? null : from.remove(random.nextInt(from.size()));
  }

  /** The call's definitive outcome, or null when the retry budget ran out (recorded as unresolved). */
  private <T> Grpc.Outcome<T> grpc(String op, int first, IntFunction<java.util.concurrent.Callable<T>> call) {
    long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
    for (int attempt = 0; ; attempt++) {
      int instance = Math.floorMod(first + attempt, 2);
      Grpc.Outcome<T> o = Grpc.attempt(call.apply(instance));
      String outcome = o.ok() ? "OK" : o.code().name();
      attempts.add(new Attempt(System.nanoTime(), targets.get(instance), op, outcome));
      if (o.ok() || !RETRIED.contains(outcome)) {
        results.merge(op + ": " + (o.ok() ? "OK" : o.code() + " " + o.reason()), 1, Integer::sum);
        return o;
      }
      if (System.nanoTime() > deadline) {
        unresolved.add(op + " " + o);
        results.merge(op + ": unresolved " + o.code(), 1, Integer::sum);
        return null;
      }
      sleep(Math.min(2_000, 100L * (attempt + 1)));
    }
  }

  private Http.Reply rest(String op, int first, IntFunction<Http.Reply> call) {
    long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
    for (int attempt = 0; ; attempt++) {
      int instance = Math.floorMod(first + attempt, 2);
      Http.Reply reply;
      String outcome;
      try {
        reply = call.apply(instance);
        outcome = reply.status() / 100 == 2 ? "OK" : "HTTP_" + reply.status();
      } catch (UncheckedIOException e) {
        reply = null;
        outcome = "IO";
      }
      attempts.add(new Attempt(System.nanoTime(), targets.get(instance), op, outcome));
      if (!RETRIED.contains(outcome)) {
        results.merge(op + ": " + outcome + (outcome.equals("OK") ? "" : " " + reply.reason()), 1, Integer::sum);
        return reply;
      }
      if (System.nanoTime() > deadline) {
        unresolved.add(op + " " + outcome);
        results.merge(op + ": unresolved " + outcome, 1, Integer::sum);
        return null;
      }
      sleep(Math.min(2_000, 100L * (attempt + 1)));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
