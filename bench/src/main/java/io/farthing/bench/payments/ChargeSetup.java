package io.farthing.bench.payments;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the charge benchmark's population through the suite's public APIs only, as an operator
 * and the users themselves would: partners (an API client at auth-svc, onboarded as a merchant at
 * payments-svc), users (registered and signed in at auth-svc, KYC tier set by the operator,
 * wallets topped up, a consent for each partner that charges them). Nothing touches a database.
 */
final class ChargeSetup {
  static final String EUR = "EUR";
  /** payments:refund for the mixed workload's refunds. */
  static final List<String> PARTNER_SCOPES = List.of("payments:charge", "payments:refund", "payments:read");
  /** Top-ups are made in steps below risk-svc's AML watch (90 % of 1,000.00). */
  static final long TOP_UP_STEP_MINOR = 40_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A partner that charges users: its client credentials at auth-svc. */
  record Partner(String clientId, String secret) {}

  /**
   * A paying user and, for the own-merchant run, the merchant only this user pays; the user's
   * sign-in, to open the user's alert stream with a fresh access token.
   */
  record Payer(UUID userId, Partner own, String email, String password) {}

  /**
   * Everything the runs charge with: the shared partner, the payers, and the mixed workload's
   * merchants (empty for the charge workload), payer n having consented to
   * {@code merchants[favourite(n, j, ...)]} for j below {@code favourites}.
   */
  record Population(Partner shared, List<Payer> payers, List<Partner> merchants, int favourites,
      Map<String, Object> description) {}

  /** The index of payer {@code payer}'s {@code j}-th favourite of {@code merchants} merchants (all distinct while j < merchants). */
  static int favourite(int payer, int j, int merchants) {
    // 7919 is prime: consecutive payers start far apart, so every merchant has about as many payers.
    return (int) Math.floorMod(payer * 7919L + j, (long) merchants);
  }

  private final String auth;
  private final String payments;
  private final String risk;
  private final String adminEmail;
  private final String adminPassword;
  private final String runId;
  private final JsonHttp http = new JsonHttp();
  private String adminToken;
  private long adminTokenAt;

  ChargeSetup(String authUrl, String paymentsUrl, String riskUrl, String adminEmail, String adminPassword, String runId) {
    this.auth = authUrl;
    this.payments = paymentsUrl;
    this.risk = riskUrl;
    this.adminEmail = adminEmail;
    this.adminPassword = adminPassword;
    this.runId = runId;
  }

  synchronized String admin() {
    if (adminToken == null || System.nanoTime() - adminTokenAt > Duration.ofMinutes(10).toNanos()) {
      adminToken = login(adminEmail, adminPassword);
      adminTokenAt = System.nanoTime();
    }
    return adminToken;
  }

  String login(String email, String password) {
    return http.post(auth + "/v1/auth/login", null, Map.of("email", email, "password", password))
        .expect(200).body().path("accessToken").asText();
  }

  /** A client-credentials token for the partner (15 minutes at auth-svc's defaults). */
  String token(Partner partner) {
    return http.clientCredentials(auth + "/oauth2/token", partner.clientId(), partner.secret())
        .expect(200).body().path("access_token").asText();
  }

  /** An API client at auth-svc, onboarded as an ACTIVE merchant (EUR: 0.02 + 2.5 %) in {@code category}. */
  Partner partner(String name, String category) {
    JsonNode created = http.post(auth + "/admin/v1/clients", admin(), Map.of("name", name, "scopes", PARTNER_SCOPES))
        .expect(201).body();
    Partner partner = new Partner(created.path("clientId").asText(), created.path("clientSecret").asText());
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("currency", EUR);
    plan.put("fixedMinor", 2);
    plan.put("rateBps", 250);
    plan.put("minFeeMinor", 0);
    plan.put("maxFeeMinor", null);
    Map<String, Object> merchant = new LinkedHashMap<>();
    merchant.put("partnerClientId", partner.clientId());
    merchant.put("name", name);
    merchant.put("category", category);
    merchant.put("status", "ACTIVE");
    merchant.put("feePlans", List.of(plan));
    http.post(payments + "/admin/v1/merchants", admin(), merchant).expect(201, 200);
    return partner;
  }

  /**
   * The population: one shared partner, {@code users} payers (each, when {@code ownMerchants},
   * with a partner of their own), made by {@code threads} callers in parallel.
   */
  Population population(int users, boolean ownMerchants, long fundMinor, long maxPerChargeMinor, String category,
      int threads) throws Exception {
    return population(users, ownMerchants, 0, 0, fundMinor, maxPerChargeMinor, category, threads);
  }

  /**
   * The same, with {@code merchantCount} more merchants (the mixed workload's), each payer
   * consenting to {@code favourites} of them ({@link #favourite}).
   */
  Population population(int users, boolean ownMerchants, int merchantCount, int favourites, long fundMinor,
      long maxPerChargeMinor, String category, int threads) throws Exception {
    long started = System.nanoTime();
    Partner shared = partner("bench " + runId + " shared merchant", category);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger done = new AtomicInteger();
    List<Future<Payer>> futures = new ArrayList<>();
    try {
      List<Future<Partner>> made = new ArrayList<>();
      for (int m = 0; m < merchantCount; m++) {
        int n = m;
        made.add(pool.submit(() -> partner("bench " + runId + " merchant " + n, category)));
      }
      List<Partner> merchants = new ArrayList<>(merchantCount);
      for (Future<Partner> f : made) {
        merchants.add(f.get());
      }
      if (merchantCount > 0) {
        System.err.printf("  %d merchants ready (%.0f s)%n", merchantCount, (System.nanoTime() - started) / 1e9);
      }
      int consented = Math.min(favourites, merchantCount);
      for (int i = 0; i < users; i++) {
        int n = i;
        futures.add(pool.submit(() -> {
          Payer payer = payer(n, shared, ownMerchants, fundMinor, maxPerChargeMinor, category);
          if (consented > 0) {
            String token = login(payer.email(), payer.password());
            for (int j = 0; j < consented; j++) {
              consent(token, merchants.get(favourite(n, j, merchantCount)), maxPerChargeMinor);
            }
          }
          int count = done.incrementAndGet();
          if (count % 100 == 0 || count == users) {
            System.err.printf("  %d/%d users ready (%.0f s)%n", count, users, (System.nanoTime() - started) / 1e9);
          }
          return payer;
        }));
      }
      List<Payer> payers = new ArrayList<>(users);
      for (Future<Payer> f : futures) {
        payers.add(f.get());
      }
      Map<String, Object> description = new LinkedHashMap<>();
      description.put("users", users);
      description.put("merchants", (ownMerchants ? users + 1 : 1) + merchantCount);
      if (merchantCount > 0) {
        description.put("mixMerchants", merchantCount);
        description.put("consentsPerPayerToMixMerchants", consented);
      }
      description.put("fundedMinorPerUser", fundMinor);
      description.put("kycTier", 3);
      description.put("consentMaxPerChargeMinor", maxPerChargeMinor);
      description.put("merchantCategory", category);
      description.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
      return new Population(shared, List.copyOf(payers), List.copyOf(merchants), consented, description);
    } finally {
      pool.shutdownNow();
    }
  }

  private Payer payer(int n, Partner shared, boolean ownMerchant, long fundMinor, long maxPerChargeMinor, String category) {
    String email = "bench-" + runId + "-" + n + "@bench.farthing.test";
    String password = "bench " + token(24);
    JsonNode user = http.post(auth + "/v1/users", null, Map.of("email", email, "password", password)).expect(201).body();
    UUID userId = UUID.fromString(user.path("id").asText());
    String token = login(email, password);
    // Tier 3: a benchmark user spends in minutes what the default tier allows in a day.
    JsonHttp.Reply kyc = null;
    for (int attempt = 1; attempt <= SETUP_ATTEMPTS; attempt++) {
      kyc = http.put(payments + "/admin/v1/users/" + userId + "/kyc", admin(), Map.of("tier", 3));
      if (kyc.status() != 503) {
        break;
      }
      pause(attempt);
    }
    kyc.expect(200, 204);
    for (long left = fundMinor; left > 0; left -= TOP_UP_STEP_MINOR) {
      long amount = Math.min(left, TOP_UP_STEP_MINOR);
      topUp(token, amount);
    }
    consent(token, shared, maxPerChargeMinor);
    Partner own = null;
    if (ownMerchant) {
      own = partner("bench " + runId + " merchant of user " + n, category);
      consent(token, own, maxPerChargeMinor);
    }
    return new Payer(userId, own, email, password);
  }

  /** A top-up with the sandbox card; a 202 PENDING (no answer in time) is looked up until it settles. */
  private void topUp(String userToken, long amountMinor) {
    // A 503 (payments-svc could not reach auth-svc in time: cold JVMs on a loaded machine) moved
    // nothing and frees the key: the same request again, with the same key, a few times.
    String key = "bench-topup-" + UUID.randomUUID();
    JsonHttp.Reply reply = null;
    for (int attempt = 1; attempt <= SETUP_ATTEMPTS; attempt++) {
      reply = http.post(payments + "/v1/topups", userToken,
          Map.of("currency", EUR, "amountMinor", amountMinor, "instrument", "tok_sandbox_visa"),
          Map.of("Idempotency-Key", key));
      if (reply.status() != 503 && reply.status() != 409) {
        break;
      }
      pause(attempt);
    }
    JsonNode topUp = reply.expect(201, 202).body();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while ("PENDING".equals(topUp.path("status").asText()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      topUp = http.get(payments + "/v1/topups/" + topUp.path("id").asText(), userToken).expect(200).body();
    }
    if (!"SUCCEEDED".equals(topUp.path("status").asText())) {
      throw new IllegalStateException("a set-up top-up did not succeed: " + topUp);
    }
  }

  private static final int SETUP_ATTEMPTS = 6;

  private static void pause(int attempt) {
    try {
      Thread.sleep(500L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void consent(String userToken, Partner partner, long maxPerChargeMinor) {
    http.post(auth + "/v1/me/consents", userToken, Map.of(
            "partnerClientId", partner.clientId(),
            "maxPerCharge", Map.of("amountMinor", maxPerChargeMinor, "currency", EUR)))
        .expect(201, 200);
  }

  // --- risk-svc: the benchmark's risk policy ----------------------------------------------------

  /** What {@link #applyRiskPolicy} changed, so that {@link #restoreRiskPolicy} can undo exactly that. */
  record RiskChanges(String allowRule, boolean disabledBudget) {}

  /**
   * Allow-lists merchants of {@code category} (a rule forcing ALLOW, as an operator does for a
   * trusted merchant) and disables {@code risk-budget}, which forces CHALLENGE once a user has
   * spent 20.00 in a day, however clean the payment. risk-svc still scores every charge in full
   * (features, rules, model, the stored decision); the benchmark measures that path with the
   * verdict settled, instead of measuring how fast synthetic users are challenged.
   */
  RiskChanges applyRiskPolicy(String category) {
    String id = "bench-allow-" + category.replaceAll("[^a-z0-9]", "-");
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", id);
    rule.put("description", "bench: merchants of category " + category + " are allow-listed");
    rule.put("conditions", List.of(Map.of("feature", "merchant_category", "op", "EQ", "value", category)));
    rule.put("points", 0);
    rule.put("forceVerdict", "ALLOW");
    JsonHttp.Reply created = http.post(risk + "/admin/v1/rules", admin(), rule);
    if (created.status() == 409) {
      http.post(risk + "/admin/v1/rules/" + id + "/enable", admin(), Map.of()).expect(200);
    } else {
      created.expect(201);
    }
    JsonNode budget = http.get(risk + "/admin/v1/rules/risk-budget", admin()).expect(200, 404).body();
    boolean disable = budget.path("enabled").asBoolean(false);
    if (disable) {
      http.post(risk + "/admin/v1/rules/risk-budget/disable", admin(), Map.of()).expect(200);
    }
    return new RiskChanges(id, disable);
  }

  void restoreRiskPolicy(RiskChanges changes) {
    http.post(risk + "/admin/v1/rules/" + changes.allowRule() + "/disable", admin(), Map.of()).expect(200);
    if (changes.disabledBudget()) {
      http.post(risk + "/admin/v1/rules/risk-budget/enable", admin(), Map.of()).expect(200);
    }
  }

  private static String token(int length) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
