package io.farthing.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The suite's public APIs as the tests use them: auth-svc REST (users, logins, consents, partner
 * clients and their client-credentials tokens), payments-svc admin and people REST, risk-svc admin
 * REST, and payments-svc's partner gRPC API on either instance. Every call carries a real token
 * that auth-svc issued; nothing writes to a database ({@link #databases()} only reads).
 */
public final class Platform implements AutoCloseable {
  public static final String EUR = "EUR";
  public static final List<String> PARTNER_SCOPES = List.of("payments:charge", "payments:refund", "payments:read");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final Suite suite;
  private final Http http = new Http();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ManagedChannel notifyChannel;
  private String adminToken;
  private long adminTokenAtNanos;

  public record User(UUID id, String email, String password, String token) {}

  public record Partner(String clientId, String secret, String token, String category) {}

  public Platform(Suite suite) {
    this.suite = suite;
    for (ServiceProcess payments : suite.payments()) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", payments.port()).usePlaintext().build());
    }
    notifyChannel = NettyChannelBuilder.forAddress("127.0.0.1", suite.notifySvc().port()).usePlaintext().build();
  }

  public Http http() {
    return http;
  }

  public String auth() {
    return suite.auth().baseUrl();
  }

  public String risk() {
    return suite.risk().baseUrl();
  }

  /** notify-svc's base URL. */
  public String notifySvc() {
    return suite.notifySvc().baseUrl();
  }

  /**
   * Each service's database, for read-only assertions on what no public API shows (the events
   * notify-svc stored, the outbox rows payments-svc still holds).
   */
  public Databases databases() {
    return suite.databases();
  }

  /** payments-svc instance {@code i % 2}'s base URL. */
  public String payments(int i) {
    return suite.payments().get(Math.floorMod(i, 2)).baseUrl();
  }

  // --- auth-svc --------------------------------------------------------------------------------

  /** The bootstrap administrator's access token (renewed well before its 15 minutes run out). */
  public synchronized String admin() {
    if (adminToken == null || System.nanoTime() - adminTokenAtNanos > Duration.ofMinutes(10).toNanos()) {
      adminToken = login(suite.adminEmail(), suite.adminPassword());
      adminTokenAtNanos = System.nanoTime();
    }
    return adminToken;
  }

  public String login(String email, String password) {
    Http.Reply reply = http.post(auth() + "/v1/auth/login", null, Map.of("email", email, "password", password)).expect(200);
    return reply.body().path("accessToken").asText();
  }

  /** A newly registered user, signed in. */
  public User newUser(String label) {
    String email = label + "-" + SEQ.incrementAndGet() + "-" + Suite.randomToken(6).toLowerCase() + "@e2e.farthing.test";
    String password = "e2e " + Suite.randomToken(20);
    Http.Reply created = http.post(auth() + "/v1/users", null, Map.of("email", email, "password", password)).expect(201);
    UUID id = UUID.fromString(created.body().path("id").asText());
    return new User(id, email, password, login(email, password));
  }

  /**
   * A partner: an API client at auth-svc with the payments scopes and a client-credentials token,
   * onboarded as a merchant at payments-svc (EUR: 0.02 + 2.5 %) in {@code category}.
   */
  public Partner newPartner(String label, String category) {
    return newPartner(label, category, PARTNER_SCOPES);
  }

  /** As {@link #newPartner(String, String)}, with these scopes (e.g. adding {@code webhooks:manage}). */
  public Partner newPartner(String label, String category, List<String> scopes) {
    Map<String, Object> client = Map.of("name", "e2e " + label + " " + SEQ.incrementAndGet(), "scopes", scopes);
    Http.Reply created = http.post(auth() + "/admin/v1/clients", admin(), client).expect(201);
    String clientId = created.body().path("clientId").asText();
    String secret = created.body().path("clientSecret").asText();
    Partner partner = new Partner(clientId, secret, partnerToken(clientId, secret), category);
    onboard(partner, label);
    return partner;
  }

  /** A client-credentials token for a partner (OAuth2 at auth-svc). */
  public String partnerToken(String clientId, String secret) {
    Http.Reply reply = http.postForm(auth() + "/oauth2/token", clientId, secret, "grant_type=client_credentials").expect(200);
    return reply.body().path("access_token").asText();
  }

  /** The user lets the partner charge them without being present, up to {@code maxPerChargeMinor}. */
  public JsonNode consent(User user, Partner partner, long maxPerChargeMinor) {
    Map<String, Object> body = Map.of(
        "partnerClientId", partner.clientId(),
        "maxPerCharge", Map.of("amountMinor", maxPerChargeMinor, "currency", EUR));
    return http.post(auth() + "/v1/me/consents", user.token(), body).expect(201, 200).body();
  }

  // --- payments-svc REST -------------------------------------------------------------------------

  public void onboard(Partner partner, String name) {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("currency", EUR);
    plan.put("fixedMinor", 2);
    plan.put("rateBps", 250);
    plan.put("minFeeMinor", 0);
    plan.put("maxFeeMinor", null);
    Map<String, Object> merchant = new LinkedHashMap<>();
    merchant.put("partnerClientId", partner.clientId());
    merchant.put("name", "e2e " + name);
    merchant.put("category", partner.category());
    merchant.put("status", "ACTIVE");
    merchant.put("feePlans", List.of(plan));
    http.post(payments(0) + "/admin/v1/merchants", admin(), merchant).expect(201, 200);
  }

  public void setKycTier(User user, int tier) {
    http.put(payments(0) + "/admin/v1/users/" + user.id() + "/kyc", admin(), Map.of("tier", tier)).expect(200, 204);
  }

  /**
   * Tops the user's EUR wallet up by {@code amountMinor} with the sandbox card and returns the
   * top-up once SUCCEEDED (a 202 PENDING — the sandbox processor did not answer in time — is
   * looked up again until it settles).
   */
  public JsonNode topUp(User user, long amountMinor, int instance) {
    Map<String, Object> body = Map.of("currency", EUR, "amountMinor", amountMinor, "instrument", "tok_sandbox_visa");
    JsonNode topUp = http.post(payments(instance) + "/v1/topups", user.token(), body,
            Map.of("Idempotency-Key", "e2e-topup-" + UUID.randomUUID()))
        .expect(201, 202)
        .body();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!"SUCCEEDED".equals(topUp.path("status").asText())) {
      if ("PENDING".equals(topUp.path("status").asText()) && System.nanoTime() < deadline) {
        sleep(250);
        topUp = http.get(payments(instance) + "/v1/topups/" + topUp.path("id").asText(), user.token()).expect(200).body();
      } else {
        throw new AssertionError("the top-up did not succeed: " + topUp);
      }
    }
    return topUp;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The user's EUR balance as {@code GET /v1/wallets} shows it (0 without an EUR wallet). */
  public long balance(User user, int instance) {
    JsonNode body = http.get(payments(instance) + "/v1/wallets", user.token()).expect(200).body();
    JsonNode wallets = body.isArray() ? body : firstArray(body, "items", "wallets", "balances");
    for (JsonNode wallet : wallets) {
      String currency = wallet.path("currency").asText(wallet.path("balance").path("currency").asText());
      if (EUR.equals(currency)) {
        JsonNode minor = wallet.path("balanceMinor");
        return minor.isMissingNode() ? wallet.path("balance").path("amountMinor").asLong() : minor.asLong();
      }
    }
    return 0;
  }

  /** Starts a reconciliation run (admin) and returns it as payments-svc answered. */
  public JsonNode reconcile() {
    return http.post(payments(0) + "/admin/v1/reconciliation/runs", admin(), Map.of()).expect(201, 200).body();
  }

  private static JsonNode firstArray(JsonNode body, String... names) {
    for (String name : names) {
      if (body.path(name).isArray()) {
        return body.path(name);
      }
    }
    throw new AssertionError("no wallet list in " + body);
  }

  // --- risk-svc admin REST -------------------------------------------------------------------

  /**
   * An operator's allow-list rule: every payment to a merchant of {@code category} is ALLOWed
   * whatever its score (a forced ALLOW never overrides a rule that forces CHALLENGE or DENY).
   * The load tests pay such merchants, so that risk-svc scores every charge for real but the
   * outcome the tests check is the wallet's, not the fraud rules' verdict on a burst from one user.
   */
  public void allowListCategory(String category) {
    String id = "e2e-allow-" + category.replaceAll("[^a-z0-9]", "-");
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", id);
    rule.put("description", "e2e: merchants of category " + category + " are allow-listed");
    rule.put("conditions", List.of(Map.of("feature", "merchant_category", "op", "EQ", "value", category)));
    rule.put("points", 0);
    rule.put("forceVerdict", "ALLOW");
    Http.Reply reply = http.post(risk() + "/admin/v1/rules", admin(), rule);
    if (reply.status() != 201 && reply.status() != 409) {
      reply.expect(201);
    }
  }

  public void disableRule(String id) {
    http.post(risk() + "/admin/v1/rules/" + id + "/disable", admin(), Map.of()).expect(200);
  }

  public void enableRule(String id) {
    http.post(risk() + "/admin/v1/rules/" + id + "/enable", admin(), Map.of()).expect(200);
  }

  // --- payments-svc gRPC -------------------------------------------------------------------------

  /** The partner's blocking stub on payments-svc instance {@code i % 2}, with a 20 s deadline. */
  public PaymentsGrpc.PaymentsBlockingStub partnerApi(Partner partner, int instance) {
    return PaymentsGrpc.newBlockingStub(channels.get(Math.floorMod(instance, 2)))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(partner.token())))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** The partner's blocking stub on payments-svc's Disputes API (instance 0 or 1), 20 s deadline. */
  public io.farthing.proto.payments.v1.DisputesGrpc.DisputesBlockingStub disputesApi(Partner partner, int instance) {
    return io.farthing.proto.payments.v1.DisputesGrpc.newBlockingStub(channels.get(Math.floorMod(instance, 2)))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(partner.token())))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** The partner's blocking stub on payments-svc's Tabs API (instance 0 or 1), 20 s deadline. */
  public io.farthing.proto.payments.v1.TabsGrpc.TabsBlockingStub tabsApi(Partner partner, int instance) {
    return io.farthing.proto.payments.v1.TabsGrpc.newBlockingStub(channels.get(Math.floorMod(instance, 2)))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(partner.token())))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** The partner's async Tabs stub (for MeterUsage streams) on instance 0 or 1, 60 s deadline. */
  public io.farthing.proto.payments.v1.TabsGrpc.TabsStub tabsStreams(Partner partner, int instance) {
    return io.farthing.proto.payments.v1.TabsGrpc.newStub(channels.get(Math.floorMod(instance, 2)))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(partner.token())))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A stub with an arbitrary bearer token (negative tests). */
  public PaymentsGrpc.PaymentsBlockingStub apiWithToken(String token, int instance) {
    PaymentsGrpc.PaymentsBlockingStub stub = PaymentsGrpc.newBlockingStub(channels.get(Math.floorMod(instance, 2)));
    if (token != null) {
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }
    return stub.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** The partner's blocking stub on notify-svc's Webhooks API (scope webhooks:manage), 20 s deadline. */
  public WebhooksGrpc.WebhooksBlockingStub webhooksApi(Partner partner) {
    return WebhooksGrpc.newBlockingStub(notifyChannel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(partner.token())))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /**
   * Ends the gRPC channels' reconnect back-off at once (ManagedChannel.resetConnectBackoff): after
   * an instance that was down is back, the next call connects instead of failing fast until the
   * back-off — grown by every refused reconnect while it was down — runs out.
   */
  public void resetConnectBackoff() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
    notifyChannel.resetConnectBackoff();
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    notifyChannel.shutdownNow();
  }
}
