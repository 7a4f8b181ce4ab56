package io.farthing.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.harness.Charges;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Fuzz;
import io.farthing.e2e.harness.FuzzProbe;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.Http;
import io.farthing.e2e.harness.PartnerWebhooks;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.e2e.harness.ServiceLogs;
import io.farthing.e2e.harness.ServiceProcess;
import io.farthing.e2e.harness.Suite;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.DeleteWebhookEndpointRequest;
import io.farthing.proto.notify.v1.GetWebhookEndpointRequest;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesRequest;
import io.farthing.proto.notify.v1.UpdateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhookEventTypes;
import io.farthing.proto.payments.v1.CancelPaymentRequestRequest;
import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.CreatePaymentRequestRequest;
import io.farthing.proto.payments.v1.GetChargeByIdempotencyKeyRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.GetPaymentRequestRequest;
import io.farthing.proto.payments.v1.ListChargesRequest;
import io.farthing.proto.payments.v1.PaymentRequest;
import io.farthing.proto.payments.v1.PaymentRequestUsage;
import io.farthing.proto.payments.v1.PaymentRequestsGrpc;
import io.farthing.proto.payments.v1.QuoteFeeRequest;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.type.v1.Money;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input against every public surface at once — people's REST at auth-svc, payments-svc
 * and notify-svc, partners' gRPC Payments, PaymentRequests and Webhooks — from one seeded
 * generator ({@link Fuzz}): boundary and overflowing amounts, amounts as strings and fractions,
 * currencies that only look right, ids that are not ids, huge and odd unicode strings, broken JSON
 * and broken protobuf, broken tokens. Whatever comes in, {@link FuzzProbe} checks the answer (no
 * 5xx or INTERNAL, a stable problem type or an ErrorInfo reason, no internals). Afterwards the
 * money is checked: each wallet holds what the requests that were accepted put there and nothing
 * else, every charge the partner has is one it was told of or a refusal's FAILED record with nothing
 * moved, and no service logged an error or a stack trace for any of it.
 *
 * <p>The seed is printed; {@code -Dfarthing.e2e.fuzz.seed=N} replays a run and
 * {@code -Dfarthing.e2e.fuzz.iterations=N} sizes it.
 */
@ExtendWith(E2eExtension.class)
class InputFuzzTest {
  private static final long PAYER_FUNDS = 10_000;
  private static final long PAYEE_FUNDS = 1_000;
  private static final long CONSENT_MAX = 2_000;
  private static final long SETUP_CHARGE = 1_500;
  private static final String JSON = "application/json";
  /**
   * Writes every non-ASCII character as a {@code \\uXXXX} escape: valid JSON for any Java string,
   * lone surrogate halves included, which the services then have to read and refuse.
   */
  private static final com.fasterxml.jackson.databind.ObjectMapper ESCAPING = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
  /**
   * Longer values than this go in bodies only: a request line past the HTTP server's 4 KiB is
   * refused by the server itself (414) before any service code ({@link FuzzProbe} cuts headers).
   */
  private static final int MAX_IN_URL = 1_500;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static Platform platform;
  private static PartnerWebhooks webhooks;
  private static ManagedChannel paymentsChannel;
  private static ManagedChannel notifyChannel;
  private static Partner partner;
  private static User payer;
  private static User payee;
  private static Charge setupCharge;
  private static PaymentRequest paymentRequest;

  private final FuzzProbe probe = new FuzzProbe();
  /**
   * What was accepted, by id, for the money check afterwards. By id: a request sent again with a
   * key it already used (the generator repeats its odd keys) is answered with the same resource.
   */
  private final Set<String> topUps = new LinkedHashSet<>();
  private final Set<String> payeeTopUps = new LinkedHashSet<>();
  private final Set<String> transfers = new LinkedHashSet<>();
  private final Set<String> chargesAccepted = new HashSet<>();
  private final Map<String, Refund> refunds = new HashMap<>();
  private Fuzz fuzz;

  @BeforeAll
  static void world() {
    platform = E2eExtension.suite().platform();
    webhooks = new PartnerWebhooks(platform);
    partner = webhooks.newPartner("fuzz", "e2e_load");
    platform.allowListCategory("e2e_load");
    payer = platform.newUser("fuzz-payer");
    payee = platform.newUser("fuzz-payee");
    platform.topUp(payer, PAYER_FUNDS, 0);
    platform.topUp(payee, PAYEE_FUNDS, 1);
    platform.consent(payer, partner, CONSENT_MAX);
    Suite suite = E2eExtension.suite();
    paymentsChannel = NettyChannelBuilder.forAddress("127.0.0.1", suite.payments().get(0).port()).usePlaintext().build();
    notifyChannel = NettyChannelBuilder.forAddress("127.0.0.1", suite.notifySvc().port()).usePlaintext().build();
    setupCharge = platform.partnerApi(partner, 0).createCharge(CreateChargeRequest.newBuilder()
        .setIdempotencyKey("fuzz-setup-" + UUID.randomUUID())
        .setUserId(payer.id().toString())
        .setAmount(Grpc.eur(SETUP_CHARGE))
        .setDescription("the charge the fuzzed refunds aim at")
        .build());
    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, setupCharge.getStatus(), setupCharge::toString);
    paymentRequest = paymentRequests().createPaymentRequest(CreatePaymentRequestRequest.newBuilder()
        .setIdempotencyKey("fuzz-pr-" + UUID.randomUUID())
        .setAmount(Grpc.eur(250))
        .setDescription("the request the fuzzed payloads imitate")
        .setUsage(PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE)
        .build());
  }

  @AfterAll
  static void close() {
    if (webhooks != null) {
      webhooks.close();
    }
    if (paymentsChannel != null) {
      paymentsChannel.shutdownNow();
      notifyChannel.shutdownNow();
    }
  }

  @Test
  void hostileInputIsRefusedCleanlyAndMovesNoMoney() {
    long seed = Long.getLong("farthing.e2e.fuzz.seed", new java.security.SecureRandom().nextLong());
    int iterations = Integer.getInteger("farthing.e2e.fuzz.iterations", 2_000);
    fuzz = new Fuzz(seed);
    System.out.printf("[e2e] fuzz seed %d (replay: -Dfarthing.e2e.fuzz.seed=%d), %d iterations%n", seed, seed, iterations);
    Suite suite = E2eExtension.suite();
    List<ServiceProcess> services = new ArrayList<>(List.of(suite.auth(), suite.risk(), suite.notifySvc()));
    services.addAll(suite.payments());
    ServiceLogs logs = new ServiceLogs(services);

    List<Consumer<Fuzz>> targets = List.of(
        f -> topUp(), f -> transfer(), f -> limits(), f -> paymentsReads(), f -> authProfile(), f -> authSessions(),
        f -> consents(), f -> securityLevel(), f -> challenges(), f -> notifyPreferences(), f -> inbox(),
        f -> alertStream(), f -> payPaymentRequest(), f -> brokenJsonAnywhere(), f -> brokenTokens(),
        f -> createCharge(), f -> createCharge(), f -> createCharge(), f -> refund(), f -> captureVoidConfirm(),
        f -> chargeReads(), f -> paymentRequestCalls(), f -> webhookCalls(), f -> brokenProtobuf());
    long started = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      targets.get(fuzz.nextInt(targets.size())).accept(fuzz);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("[e2e] fuzz: %d requests in %.1f s, by target and answer:%n%s", probe.requests(), seconds,
        probe.summary());

    List<String> violations = new ArrayList<>(probe.violations());
    violations.addAll(moneyViolations());
    logs.troubleSinceMark().forEach(line -> violations.add("logged: " + line));
    writeReport(seed, violations);
    assertTrue(violations.isEmpty(), () -> violations.size() + " broken rules (seed " + seed + "):\n  "
        + String.join("\n  ", violations.subList(0, Math.min(40, violations.size()))));
  }

  /** Every broken rule of the run, not just the first 40, in e2e/target/e2e/fuzz-violations.txt. */
  private static void writeReport(long seed, List<String> violations) {
    try {
      java.nio.file.Path file = Suite.root().resolve("e2e/target/e2e/fuzz-violations.txt");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.write(file, java.util.stream.Stream.concat(java.util.stream.Stream.of("seed " + seed),
          violations.stream()).toList(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // --- the money, afterwards ---------------------------------------------------------------------

  /**
   * Each wallet holds its funding plus what accepted requests moved; the partner's charges are the
   * accepted ones plus refusals' FAILED records that moved nothing; each refund accepted on the
   * set-up charge shows in its refunded amount; the ledger reconciles.
   */
  private List<String> moneyViolations() {
    List<String> broken = new ArrayList<>();
    // Per currency: a top-up or transfer in another currency the platform supports opens a wallet in it.
    Map<String, Long> payerExpected = new TreeMap<>(Map.of(Platform.EUR, PAYER_FUNDS - SETUP_CHARGE));
    Map<String, Long> payeeExpected = new TreeMap<>(Map.of(Platform.EUR, PAYEE_FUNDS));
    for (String id : topUps) {
      credit(payerExpected, waitSettled(platform.payments(0) + "/v1/topups/" + id, payer.token()));
    }
    for (String id : payeeTopUps) {
      credit(payeeExpected, waitSettled(platform.payments(0) + "/v1/topups/" + id, payee.token()));
    }
    for (String id : transfers) {
      JsonNode transfer = platform.http().get(platform.payments(1) + "/v1/transfers/" + id, payer.token()).expect(200).body();
      if ("SUCCEEDED".equals(transfer.path("status").asText())) {
        String currency = transfer.path("currency").asText();
        long amount = transfer.path("amountMinor").asLong();
        payerExpected.merge(currency, -amount, Long::sum);
        if (payee.id().toString().equals(transfer.path("toUserId").asText())) {
          payeeExpected.merge(currency, amount, Long::sum);
        }
      }
    }
    Map<String, Long> refundedByCharge = new HashMap<>();
    refunds.values().forEach(r -> refundedByCharge.merge(r.getChargeId(), r.getAmount().getAmountMinor(), Long::sum));
    List<Charge> charges = Charges.list(platform, partner, null, 1);
    for (Charge c : charges) {
      boolean known = chargesAccepted.contains(c.getChargeId()) || c.getChargeId().equals(setupCharge.getChargeId());
      boolean movedNothing = c.getStatus() == ChargeStatus.CHARGE_STATUS_FAILED
          && c.getCaptured().getAmountMinor() == 0 && c.getAuthorized().getAmountMinor() == 0;
      if (!known && !movedNothing) {
        broken.add("a charge no accepted request made, and not a FAILED record: " + FuzzProbe.shorten(c.toString()));
      }
      if (c.getUserId().equals(payer.id().toString())) {
        long held = c.getStatus() == ChargeStatus.CHARGE_STATUS_AUTHORIZED ? c.getAuthorized().getAmountMinor() : 0;
        long setUp = c.getChargeId().equals(setupCharge.getChargeId()) ? SETUP_CHARGE : 0;
        payerExpected.merge(c.getAmount().getCurrency(),
            setUp - c.getCaptured().getAmountMinor() - held + c.getRefunded().getAmountMinor(), Long::sum);
      } else if (!movedNothing) {
        broken.add("a charge on someone the partner has no consent from: " + FuzzProbe.shorten(c.toString()));
      }
      long refunded = refundedByCharge.getOrDefault(c.getChargeId(), 0L);
      if (c.getRefunded().getAmountMinor() != refunded) {
        broken.add("charge " + c.getChargeId() + " refunded " + c.getRefunded().getAmountMinor()
            + " but the accepted refunds add up to " + refunded);
      }
    }
    check(broken, "the payer's wallets", payerExpected, wallets(payer, 0));
    check(broken, "the payer's wallets on the other instance", payerExpected, wallets(payer, 1));
    check(broken, "the payee's wallets", payeeExpected, wallets(payee, 0));
    JsonNode run = platform.reconcile();
    if (run.path("drift").asBoolean(true) || run.path("problems").asLong(-1) != 0) {
      broken.add("reconciliation found drift: " + FuzzProbe.shorten(run.toString()));
    }
    System.out.printf("[e2e] fuzz money: %d top-ups, %d transfers, %d charges and %d refunds accepted;"
            + " the partner has %d charges; payer %s, payee %s%n", topUps.size() + payeeTopUps.size(), transfers.size(),
        chargesAccepted.size(), refunds.size(), charges.size(), payerExpected, payeeExpected);
    return broken;
  }

  private static void credit(Map<String, Long> expected, JsonNode topUp) {
    if ("SUCCEEDED".equals(topUp.path("status").asText())) {
      expected.merge(topUp.path("currency").asText(), topUp.path("amountMinor").asLong(), Long::sum);
    }
  }

  /** Each of the user's wallets, currency → balance, as {@code GET /v1/wallets} shows them. */
  private static Map<String, Long> wallets(User user, int instance) {
    JsonNode body = platform.http().get(platform.payments(instance) + "/v1/wallets", user.token()).expect(200).body();
    JsonNode list = body.isArray() ? body : body.path("items").isArray() ? body.path("items") : body.path("wallets");
    Map<String, Long> balances = new TreeMap<>();
    for (JsonNode wallet : list) {
      balances.put(wallet.path("currency").asText(), wallet.path("balanceMinor").asLong());
    }
    return balances;
  }

  /** Expected and actual agree currency by currency; a currency missing on one side holds 0. */
  private static void check(List<String> broken, String what, Map<String, Long> expected, Map<String, Long> actual) {
    Set<String> currencies = new java.util.TreeSet<>(expected.keySet());
    currencies.addAll(actual.keySet());
    for (String currency : currencies) {
      long want = expected.getOrDefault(currency, 0L);
      long have = actual.getOrDefault(currency, 0L);
      if (want != have) {
        broken.add(what + ": " + currency + " " + have + ", but the accepted requests make it " + want);
      }
    }
  }

  private JsonNode waitSettled(String url, String token) {
    JsonNode body = platform.http().get(url, token).expect(200).body();
    for (int i = 0; i < 120 && "PENDING".equals(body.path("status").asText()); i++) {
      sleep(250);
      body = platform.http().get(url, token).expect(200).body();
    }
    return body;
  }

  // --- people's REST -------------------------------------------------------------------------------

  private void topUp() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("currency", fuzz.chance(50) ? "EUR" : fuzz.currency());
    body.put("amountMinor", fuzz.chance(50) ? fuzz.amount() : fuzz.jsonAmount());
    body.put("instrument", fuzz.chance(50) ? "tok_sandbox_visa" : fuzz.text());
    FuzzProbe.Answer answer = postJson("topups", platform.payments(fuzz.nextInt(2)) + "/v1/topups", payer.token(), body,
        idempotencyHeader());
    if (answer != null && answer.accepted()) {
      topUps.add(answer.body().path("id").asText());
    }
  }

  private void transfer() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("toUserId", fuzz.chance(60) ? payee.id().toString() : fuzz.oneOf(payer.id().toString(), fuzz.id()));
    body.put("amountMinor", fuzz.chance(50) ? fuzz.amount() : fuzz.jsonAmount());
    body.put("currency", fuzz.chance(50) ? "EUR" : fuzz.currency());
    body.put("note", fuzz.text());
    FuzzProbe.Answer answer = postJson("transfers", platform.payments(fuzz.nextInt(2)) + "/v1/transfers", payer.token(),
        body, idempotencyHeader());
    if (answer != null && answer.accepted()) {
      transfers.add(answer.body().path("id").asText());
    }
  }

  private void limits() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dailyCapMinor", fuzz.chance(30) ? null : fuzz.jsonAmount());
    body.put("monthlyCapMinor", fuzz.chance(30) ? null : fuzz.jsonAmount());
    String currency = fuzz.chance(40) ? "EUR" : fuzz.currency();
    if (fuzz.chance(50)) {
      send("limits", "PUT", platform.payments(0) + "/v1/limits/" + segment(currency), payee.token(), JSON, json(body), Map.of());
    } else {
      send("limits", "GET", platform.payments(1) + "/v1/limits?currency=" + query(currency), payer.token(), null, null, Map.of());
    }
  }

  private void paymentsReads() {
    String path = fuzz.oneOf("/v1/topups/", "/v1/transfers/", "/v1/wallets/", "/v1/charges/", "/v1/receipts/",
        "/v1/statements/", "/v1/payment-requests/");
    String id = path.equals("/v1/statements/") && fuzz.chance(50)
        ? fuzz.oneOf("2026-13", "0000-01", "9999-12", "2026-1", "-2026-01", "2026-02-30", "2026-12") : fuzz.id();
    if (fuzz.chance(20)) {
      send("payments reads", "GET", platform.payments(fuzz.nextInt(2)) + "/v1/charges?limit=" + query(fuzz.id())
          + "&cursor=" + query(fuzz.text()) + "&status=" + query(fuzz.text()), payer.token(), null, null, Map.of());
      return;
    }
    send("payments reads", "GET", platform.payments(fuzz.nextInt(2)) + path + segment(id), payer.token(), null, null, Map.of());
  }

  private void authProfile() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("displayName", fuzz.text());
    body.put("timeZone", fuzz.oneOf("Europe/Paris", "UTC", "Mars/Olympus", "../../etc/localtime", "GMT+25", fuzz.text()));
    send("auth profile", "PATCH", platform.auth() + "/v1/me", payee.token(), JSON, json(body), Map.of());
  }

  private void authSessions() {
    Map<String, Object> body = new LinkedHashMap<>();
    switch (fuzz.nextInt(4)) {
      case 0 -> {
        body.put("email", fuzz.chance(50) ? fuzz.text() + "@e2e.farthing.test" : fuzz.text());
        body.put("password", fuzz.text());
        postJson("auth sign-up", platform.auth() + "/v1/users", null, body, Map.of());
      }
      case 1 -> {
        body.put("email", fuzz.oneOf(payee.email(), fuzz.text()));
        body.put("password", fuzz.text());
        postJson("auth login", platform.auth() + "/v1/auth/login", null, body, Map.of());
      }
      case 2 -> {
        body.put("mfaToken", fuzz.text());
        body.put(fuzz.oneOf("code", "recoveryCode"), fuzz.text());
        postJson("auth login", platform.auth() + "/v1/auth/login/mfa", null, body, Map.of());
      }
      default -> {
        body.put("refreshToken", fuzz.text());
        postJson("auth login", platform.auth() + fuzz.oneOf("/v1/auth/refresh", "/v1/auth/logout"), null, body, Map.of());
      }
    }
  }

  private void consents() {
    if (fuzz.chance(30)) {
      send("consents", "DELETE", platform.auth() + "/v1/me/consents/" + segment(fuzz.id()), payee.token(), null, null, Map.of());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("partnerClientId", fuzz.oneOf(partner.clientId(), fuzz.id()));
    body.put("maxPerCharge", money());
    // The payee's consents: the payer's one must stay as set up, so the charges' outcome is known.
    postJson("consents", platform.auth() + "/v1/me/consents", payee.token(), body, Map.of());
  }

  private void securityLevel() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("level", fuzz.oneOf("STANDARD", "STRICT", "ALWAYS", "strict", "NONE", fuzz.text()));
    body.put("strictThreshold", fuzz.chance(30) ? null : money());
    body.put("password", fuzz.oneOf(payee.password(), fuzz.text()));
    send("security level", "PUT", platform.auth() + "/v1/me/security-level", payee.token(), JSON, json(body), Map.of());
  }

  private void challenges() {
    String id = segment(fuzz.id());
    if (fuzz.chance(40)) {
      send("challenges", "GET", platform.auth() + "/v1/me/challenges/" + id, payer.token(), null, null, Map.of());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", fuzz.oneOf("TOTP", "DEVICE", "PASSWORD", fuzz.text()));
    body.put("code", fuzz.text());
    body.put("signature", fuzz.text());
    postJson("challenges", platform.auth() + "/v1/me/challenges/" + id + "/verify", payer.token(), body, Map.of());
  }

  private void notifyPreferences() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("email", fuzz.oneOf("fuzz@e2e.farthing.test", fuzz.text()));
    body.put("phone", fuzz.oneOf("+4915112345678", fuzz.text()));
    Map<String, Object> channels = new LinkedHashMap<>();
    channels.put(fuzz.oneOf("payments", "security", fuzz.text()), List.of(fuzz.oneOf("in_app", "email", "sms", fuzz.text())));
    body.put("channels", fuzz.chance(10) ? fuzz.text() : channels);
    Map<String, Object> quiet = new LinkedHashMap<>();
    quiet.put("start", fuzz.oneOf("22:00", "24:00", "7", "-01:00", fuzz.text()));
    quiet.put("end", fuzz.oneOf("07:00", "25:61", fuzz.text()));
    quiet.put("timeZone", fuzz.oneOf("Europe/Berlin", "Nowhere/Void", fuzz.text()));
    body.put("quietHours", fuzz.chance(20) ? null : quiet);
    send("notify preferences", "PUT", platform.notifySvc() + "/v1/notification-preferences", payee.token(), JSON,
        json(body), Map.of());
  }

  private void inbox() {
    String base = platform.notifySvc() + "/v1/inbox";
    switch (fuzz.nextInt(3)) {
      case 0 -> send("inbox", "GET", base + "?limit=" + query(fuzz.id()) + "&cursor=" + query(fuzz.text()) + "&unread="
          + query(fuzz.text()), payer.token(), null, null, Map.of());
      case 1 -> send("inbox", "POST", base + "/" + segment(fuzz.id()) + "/read", payer.token(), null, null, Map.of());
      default -> send("inbox", "POST", base + "/read-all", payer.token(), JSON, fuzz.brokenJson("{\"before\":\"x\"}"), Map.of());
    }
  }

  /** Opens the person's alert stream with hostile parameters and walks away from it. */
  private void alertStream() {
    Map<String, String> headers = fuzz.chance(50) ? Map.of("Last-Event-ID", fuzz.text()) : Map.of();
    probe.restStream("alert stream", platform.notifySvc() + "/v1/alerts/stream?since=" + query(fuzz.text()),
        fuzz.chance(80) ? payer.token() : fuzz.text(), headers);
  }

  /** Payloads that imitate a real payment request: none of them may be paid. */
  private void payPaymentRequest() {
    String real = paymentRequest.getPayload();
    String payload = switch (fuzz.nextInt(5)) {
      case 0 -> real.substring(0, fuzz.nextInt(real.length()));
      case 1 -> flipOne(real);
      case 2 -> real + fuzz.oneOf("A", "==", ".", "%00");
      case 3 -> fuzz.text();
      default -> new StringBuilder(real).reverse().toString();
    };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("payload", payload);
    body.put("deviceId", fuzz.chance(50) ? null : fuzz.text());
    FuzzProbe.Answer answer = postJson("pay payment request", platform.payments(fuzz.nextInt(2)) + "/v1/payment-requests/pay",
        payer.token(), body, idempotencyHeader());
    if (answer != null && answer.accepted() && !payload.equals(real)) {
      probe.violation("a payment request that was not the one issued was paid: " + FuzzProbe.shorten(payload)
          + " → " + FuzzProbe.shorten(answer.raw()));
    }
    if (fuzz.chance(20)) {
      send("pay payment request", "GET", platform.payments(0) + "/v1/payment-requests/" + segment(payload), payer.token(),
          null, null, Map.of());
    }
  }

  private String flipOne(String s) {
    if (s.isEmpty()) {
      return "x";
    }
    char[] chars = s.toCharArray();
    int at = fuzz.nextInt(chars.length);
    chars[at] = chars[at] == 'A' ? 'B' : 'A';
    return new String(chars);
  }

  /** Broken JSON to every endpoint that reads a body, with the content types clients get wrong. */
  private void brokenJsonAnywhere() {
    String[][] endpoints = {
      {"POST", platform.payments(0) + "/v1/topups", "{\"currency\":\"EUR\",\"amountMinor\":100,\"instrument\":\"tok_sandbox_visa\"}"},
      {"POST", platform.payments(1) + "/v1/transfers", "{\"toUserId\":\"" + payee.id() + "\",\"amountMinor\":100,\"currency\":\"EUR\"}"},
      {"PUT", platform.payments(0) + "/v1/limits/EUR", "{\"dailyCapMinor\":100,\"monthlyCapMinor\":null}"},
      {"POST", platform.payments(1) + "/v1/payment-requests/pay", "{\"payload\":\"x\"}"},
      {"POST", platform.auth() + "/v1/users", "{\"email\":\"x@e2e.farthing.test\",\"password\":\"a long password\"}"},
      {"POST", platform.auth() + "/v1/auth/login", "{\"email\":\"x@e2e.farthing.test\",\"password\":\"p\"}"},
      {"PATCH", platform.auth() + "/v1/me", "{\"displayName\":\"x\"}"},
      {"POST", platform.auth() + "/v1/me/consents", "{\"partnerClientId\":\"x\",\"maxPerCharge\":{\"amountMinor\":1,\"currency\":\"EUR\"}}"},
      {"PUT", platform.auth() + "/v1/me/security-level", "{\"level\":\"STRICT\"}"},
      {"PUT", platform.notifySvc() + "/v1/notification-preferences", "{\"email\":\"x@e2e.farthing.test\"}"},
    };
    String[] endpoint = endpoints[fuzz.nextInt(endpoints.length)];
    String contentType = fuzz.chance(70) ? JSON
        : fuzz.oneOf("text/plain", "application/xml", "application/json; charset=latin1", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/*", "", "application/json; charset=\"utf-8");
    byte[] body = fuzz.chance(85) ? fuzz.brokenJson(endpoint[2]) : endpoint[2].getBytes(StandardCharsets.UTF_8);
    // Under JSON, only broken bodies; under another content type, well-formed ones too (refused 415, or read as JSON).
    if (JSON.equals(contentType) && java.util.Arrays.equals(body, endpoint[2].getBytes(StandardCharsets.UTF_8))) {
      body = fuzz.brokenJson(endpoint[2]);
    }
    FuzzProbe.Answer answer = send("broken JSON", endpoint[0], endpoint[1], payee.token(), contentType.isEmpty() ? null : contentType,
        body, idempotencyHeader());
    boolean wellFormed = java.util.Arrays.equals(body, endpoint[2].getBytes(StandardCharsets.UTF_8));
    if (answer != null && answer.accepted() && wellFormed && endpoint[1].endsWith("/v1/topups")) {
      payeeTopUps.add(answer.body().path("id").asText()); // a JSON body under a content type that means JSON too
    }
    if (answer != null && answer.accepted() && !wellFormed) {
      probe.violation("a body that is not the JSON the endpoint documents was taken: " + endpoint[0] + " " + endpoint[1]
          + " " + contentType + " " + FuzzProbe.shorten(new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** Tokens that are not valid: every one is refused, on REST and on gRPC. */
  private void brokenTokens() {
    String real = fuzz.oneOf(payer.token(), partner.token());
    String[] parts = real.split("\\.");
    String token = switch (fuzz.nextInt(8)) {
      case 0 -> real.substring(0, real.length() - 1 - fuzz.nextInt(10));
      case 1 -> parts.length == 3 ? parts[0] + "." + parts[1] + "." + flipOne(parts[2]) : flipOne(real);
      case 2 -> java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
          + "." + parts[1] + ".";
      case 3 -> parts.length == 3 ? parts[0] + "." + flipOne(parts[1]) + "." + parts[2] : flipOne(real);
      case 4 -> fuzz.text();
      case 5 -> "a.b.c";
      case 6 -> Fuzz.huge('A').substring(0, 2_000);
      default -> real + "." + real;
    };
    if (fuzz.chance(50)) {
      FuzzProbe.Answer answer = send("broken tokens", "GET", platform.payments(fuzz.nextInt(2)) + "/v1/wallets", token, null, null, Map.of());
      if (answer != null && answer.status() != 401) {
        probe.violation("a broken token was not refused 401 by REST: " + answer.status() + " for " + FuzzProbe.shorten(token));
      }
    } else {
      GetChargeRequest request = GetChargeRequest.newBuilder().setChargeId(setupCharge.getChargeId()).build();
      int instance = fuzz.nextInt(2);
      Grpc.Outcome<Charge> outcome = probe.grpc("broken tokens", request,
          () -> platform.apiWithToken(FuzzProbe.cut(token), instance).getCharge(request));
      if (outcome.code() != Status.Code.UNAUTHENTICATED && outcome.code() != Status.Code.PERMISSION_DENIED) {
        probe.violation("a broken token was not refused by gRPC: " + outcome + " for " + FuzzProbe.shorten(token));
      }
    }
  }

  // --- partners' gRPC ------------------------------------------------------------------------------

  private void createCharge() {
    CreateChargeRequest.Builder request = CreateChargeRequest.newBuilder()
        .setIdempotencyKey(fuzz.idempotencyKey())
        .setAmount(fuzzedMoney())
        .setCaptureLater(fuzz.chance(20));
    if (fuzz.chance(85)) {
      request.setUserId(fuzz.chance(70) ? payer.id().toString() : fuzz.id());
    } else {
      request.setUserAccessToken(fuzz.chance(50) ? payer.token() : fuzz.text());
    }
    if (fuzz.chance(60)) {
      request.setDescription(fuzz.text());
    }
    if (fuzz.chance(30)) {
      request.setDeviceId(fuzz.text());
    }
    if (fuzz.chance(30)) {
      int entries = fuzz.chance(10) ? 500 : 1 + fuzz.nextInt(4);
      for (int i = 0; i < entries; i++) {
        request.putMetadata(fuzz.chance(50) ? "k" + i : fuzz.text(), fuzz.text());
      }
    }
    CreateChargeRequest built = request.build();
    Grpc.Outcome<Charge> outcome = probe.grpc("CreateCharge", built,
        () -> platform.partnerApi(partner, fuzz.nextInt(2)).createCharge(built));
    if (outcome.ok()) {
      chargesAccepted.add(outcome.value().getChargeId());
    }
  }

  private void refund() {
    String chargeId = fuzz.chance(60) ? setupCharge.getChargeId() : fuzz.id();
    RefundChargeRequest request = RefundChargeRequest.newBuilder()
        .setIdempotencyKey(fuzz.idempotencyKey())
        .setChargeId(chargeId)
        .setAmount(fuzz.chance(10) ? Money.getDefaultInstance() : fuzzedMoney())
        .setReason(fuzz.text())
        .build();
    Grpc.Outcome<Refund> outcome = probe.grpc("RefundCharge", request,
        () -> platform.partnerApi(partner, fuzz.nextInt(2)).refundCharge(request));
    if (outcome.ok()) {
      refunds.put(outcome.value().getRefundId(), outcome.value());
    }
  }

  private void captureVoidConfirm() {
    String chargeId = fuzz.chance(40) ? setupCharge.getChargeId() : fuzz.id();
    int instance = fuzz.nextInt(2);
    switch (fuzz.nextInt(3)) {
      case 0 -> {
        CaptureChargeRequest request = CaptureChargeRequest.newBuilder().setIdempotencyKey(fuzz.idempotencyKey())
            .setChargeId(chargeId).setAmount(fuzzedMoney()).build();
        accepted(probe.grpc("Capture/Void/Confirm", request,
            () -> platform.partnerApi(partner, instance).captureCharge(request)));
      }
      case 1 -> {
        VoidChargeRequest request = VoidChargeRequest.newBuilder().setIdempotencyKey(fuzz.idempotencyKey())
            .setChargeId(chargeId).build();
        accepted(probe.grpc("Capture/Void/Confirm", request,
            () -> platform.partnerApi(partner, instance).voidCharge(request)));
      }
      default -> {
        ConfirmChargeRequest request = ConfirmChargeRequest.newBuilder().setIdempotencyKey(fuzz.idempotencyKey())
            .setChargeId(chargeId).setStepUpToken(fuzz.text()).build();
        accepted(probe.grpc("Capture/Void/Confirm", request,
            () -> platform.partnerApi(partner, instance).confirmCharge(request)));
      }
    }
  }

  /** A capture, void or confirmation that was taken: only ever of a charge the partner was told of. */
  private void accepted(Grpc.Outcome<Charge> outcome) {
    if (outcome.ok() && !chargesAccepted.contains(outcome.value().getChargeId())) {
      probe.violation("a hostile capture/void/confirm changed a charge it did not create: " + outcome.value().getChargeId());
    }
  }

  private void chargeReads() {
    int instance = fuzz.nextInt(2);
    switch (fuzz.nextInt(4)) {
      case 0 -> {
        GetChargeRequest request = GetChargeRequest.newBuilder().setChargeId(fuzz.id()).build();
        probe.grpc("charge reads", request, () -> platform.partnerApi(partner, instance).getCharge(request));
      }
      case 1 -> {
        GetChargeByIdempotencyKeyRequest request = GetChargeByIdempotencyKeyRequest.newBuilder().setIdempotencyKey(fuzz.id()).build();
        probe.grpc("charge reads", request, () -> platform.partnerApi(partner, instance).getChargeByIdempotencyKey(request));
      }
      case 2 -> {
        ListChargesRequest.Builder request = ListChargesRequest.newBuilder()
            .setPageSize(fuzz.oneOf(0, -1, 1, 100, 101, Integer.MAX_VALUE, Integer.MIN_VALUE))
            .setPageToken(fuzz.chance(50) ? "" : fuzz.text())
            .setStatusValue(fuzz.oneOf(0, 1, 3, 99, -1))
            .setUserId(fuzz.chance(50) ? "" : fuzz.id());
        if (fuzz.chance(40)) {
          request.setCreatedFrom(timestamp()).setCreatedTo(timestamp());
        }
        ListChargesRequest built = request.build();
        probe.grpc("charge reads", built, () -> platform.partnerApi(partner, instance).listCharges(built));
      }
      default -> {
        QuoteFeeRequest request = QuoteFeeRequest.newBuilder().setAmount(fuzzedMoney()).build();
        probe.grpc("charge reads", request, () -> platform.partnerApi(partner, instance).quoteFee(request));
      }
    }
  }

  private void paymentRequestCalls() {
    switch (fuzz.nextInt(3)) {
      case 0 -> {
        CreatePaymentRequestRequest request = CreatePaymentRequestRequest.newBuilder()
            .setIdempotencyKey(fuzz.idempotencyKey())
            .setAmount(fuzzedMoney())
            .setDescription(fuzz.text())
            .setReference(fuzz.text())
            .setUsageValue(fuzz.oneOf(0, 1, 2, 3, -7))
            .setExpiresInSeconds(fuzz.oneOf(0L, -1L, 60L, 86_400L * 365 * 100, Long.MAX_VALUE, Long.MIN_VALUE, fuzz.amount()))
            .build();
        probe.grpc("PaymentRequests", request, () -> paymentRequests().createPaymentRequest(request));
      }
      case 1 -> {
        GetPaymentRequestRequest request = GetPaymentRequestRequest.newBuilder().setPaymentRequestId(fuzz.id()).build();
        probe.grpc("PaymentRequests", request, () -> paymentRequests().getPaymentRequest(request));
      }
      default -> {
        CancelPaymentRequestRequest request = CancelPaymentRequestRequest.newBuilder()
            .setIdempotencyKey(fuzz.idempotencyKey()).setPaymentRequestId(fuzz.id()).build();
        probe.grpc("PaymentRequests", request, () -> paymentRequests().cancelPaymentRequest(request));
      }
    }
  }

  private void webhookCalls() {
    switch (fuzz.nextInt(4)) {
      case 0 -> {
        CreateWebhookEndpointRequest.Builder request = CreateWebhookEndpointRequest.newBuilder()
            .setUrl(fuzz.oneOf("https://partner.example/hook", "http://127.0.0.1:1/x", "https://10.0.0.1/x", "file:///etc/passwd",
                "https://[::1]/x", "https://user:pw@partner.example/", "javascript:alert(1)", "https://" + fuzz.text() + "/",
                fuzz.text()))
            .setDescription(fuzz.text())
            .setDeliveryModeValue(fuzz.oneOf(0, 1, 2, 5))
            .setContactEmail(fuzz.oneOf("ops@partner.example", fuzz.text()));
        request.addEventTypes(fuzz.oneOf("charge.succeeded", "*", "charge.*", fuzz.text()));
        if (fuzz.chance(50)) {
          request.setDigestWindow(com.google.protobuf.Duration.newBuilder()
              .setSeconds(fuzz.oneOf(0L, -1L, 60L, 315_576_000_001L, Long.MAX_VALUE, fuzz.amount()))
              .setNanos(fuzz.oneOf(0, -1, 999_999_999, 1_000_000_000)));
        }
        CreateWebhookEndpointRequest built = request.build();
        probe.grpc("Webhooks", built, () -> webhooks.api(partner).createEndpoint(built));
      }
      case 1 -> {
        GetWebhookEndpointRequest request = GetWebhookEndpointRequest.newBuilder().setEndpointId(fuzz.id()).build();
        probe.grpc("Webhooks", request, () -> webhooks.api(partner).getEndpoint(request));
      }
      case 2 -> {
        UpdateWebhookEndpointRequest request = UpdateWebhookEndpointRequest.newBuilder().setEndpointId(fuzz.id())
            .setUrl(fuzz.text()).setDescription(fuzz.text())
            .setEventTypes(WebhookEventTypes.newBuilder().addEventTypes(fuzz.text())).build();
        probe.grpc("Webhooks", request, () -> webhooks.api(partner).updateEndpoint(request));
      }
      default -> {
        if (fuzz.chance(50)) {
          DeleteWebhookEndpointRequest request = DeleteWebhookEndpointRequest.newBuilder().setEndpointId(fuzz.id()).build();
          probe.grpc("Webhooks", request, () -> webhooks.api(partner).deleteEndpoint(request));
        } else {
          ListWebhookDeliveriesRequest request = ListWebhookDeliveriesRequest.newBuilder().setEndpointId(fuzz.id())
              .setPageSize(fuzz.oneOf(-1, 0, 1, 1_000_000)).setPageToken(fuzz.text()).build();
          probe.grpc("Webhooks", request, () -> webhooks.api(partner).listDeliveries(request));
        }
      }
    }
  }

  /** Bytes that do not parse as the request they are sent as, to every partner method. */
  private void brokenProtobuf() {
    String[] methods = {
      "farthing.payments.v1.Payments/CreateCharge", "farthing.payments.v1.Payments/RefundCharge",
      "farthing.payments.v1.Payments/CaptureCharge", "farthing.payments.v1.Payments/ListCharges",
      "farthing.payments.v1.Payments/QuoteFee", "farthing.payments.v1.PaymentRequests/CreatePaymentRequest",
      "farthing.notify.v1.Webhooks/CreateEndpoint", "farthing.notify.v1.Webhooks/ListDeliveries",
    };
    String method = methods[fuzz.nextInt(methods.length)];
    byte[] valid = CreateChargeRequest.newBuilder().setIdempotencyKey("fuzz-" + UUID.randomUUID())
        .setUserId(payer.id().toString()).setAmount(Grpc.eur(1)).setDescription("broken on the wire").build().toByteArray();
    ManagedChannel channel = method.startsWith("farthing.notify") ? notifyChannel : paymentsChannel;
    Grpc.Outcome<byte[]> outcome = probe.rawGrpc("broken protobuf", channel, method, partner.token(), fuzz.brokenProtobuf(valid));
    if (outcome.ok() && method.endsWith("CreateCharge")) {
      probe.violation("bytes that do not parse were taken as a charge");
    }
  }

  // --- helpers -------------------------------------------------------------------------------------

  private static PaymentRequestsGrpc.PaymentRequestsBlockingStub paymentRequests() {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + partner.token());
    return PaymentRequestsGrpc.newBlockingStub(paymentsChannel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private Money fuzzedMoney() {
    return Money.newBuilder().setAmountMinor(fuzz.amount()).setCurrency(fuzz.chance(50) ? "EUR" : fuzz.currency()).build();
  }

  private com.google.protobuf.Timestamp timestamp() {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(fuzz.oneOf(0L, -62_135_596_801L, 253_402_300_800L, Long.MAX_VALUE, Long.MIN_VALUE, 1_780_000_000L))
        .setNanos(fuzz.oneOf(0, -1, 999_999_999, 1_000_000_000, Integer.MAX_VALUE))
        .build();
  }

  private Map<String, Object> money() {
    Map<String, Object> money = new LinkedHashMap<>();
    money.put("amountMinor", fuzz.jsonAmount());
    money.put("currency", fuzz.currency());
    return money;
  }

  private Map<String, String> idempotencyHeader() {
    return fuzz.chance(10) ? Map.of() : Map.of("Idempotency-Key", fuzz.idempotencyKey());
  }

  private FuzzProbe.Answer postJson(String target, String url, String token, Map<String, Object> body, Map<String, String> headers) {
    return send(target, "POST", url, token, JSON, json(body), headers);
  }

  private FuzzProbe.Answer send(String target, String method, String url, String token, String contentType, byte[] body,
      Map<String, String> headers) {
    return probe.rest(target, method, url, token, contentType, body, headers);
  }

  private static byte[] json(Object body) {
    try {
      return ESCAPING.writeValueAsBytes(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String segment(String value) {
    return URLEncoder.encode(inUrl(value), StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String value) {
    return URLEncoder.encode(inUrl(value), StandardCharsets.UTF_8);
  }

  private static String inUrl(String value) {
    return value.length() > MAX_IN_URL / 3 ? value.substring(0, MAX_IN_URL / 3) : value;
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
