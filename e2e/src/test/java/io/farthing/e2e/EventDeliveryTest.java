package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.farthing.e2e.harness.Charges;
import io.farthing.e2e.harness.Databases;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.LoadRiskPolicy;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.e2e.harness.ServiceProcess;
import io.farthing.e2e.harness.Suite;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Money rule 5's second half with real processes: payments-svc's outbox (two instances, one
 * database) and auth-svc's security alerts reach notify-svc's {@code events} table — every event,
 * once, none invented — through a payments-svc crash mid-drain and a notify-svc outage. What
 * notify-svc stored is read from its database; everything else goes through the public APIs.
 */
@ExtendWith(E2eExtension.class)
class EventDeliveryTest {
  private static final Duration DELIVERY = Duration.ofSeconds(90);
  private static final Duration READY = Duration.ofSeconds(180);
  private static final long AMOUNT = 150;

  private static Suite suite;
  private static Platform platform;
  private static Databases db;

  @BeforeAll
  static void riskPolicy() {
    suite = E2eExtension.suite();
    platform = suite.platform();
    db = suite.databases();
    LoadRiskPolicy.apply(platform);
  }

  @AfterAll
  static void restoreRiskPolicy() {
    LoadRiskPolicy.restore(platform);
  }

  @Test
  void everyEventReachesNotifyAtLeastOnceWhenPaymentsIsKilledMidBatch() throws Exception {
    Partner partner = platform.newPartner("delivery-crash", LoadRiskPolicy.CATEGORY);
    List<User> payers = payers(partner, 4);
    ServiceProcess victim = suite.payments().get(0);
    int charges = 80;

    ExecutorService callers = Executors.newFixedThreadPool(8);
    AtomicInteger answered = new AtomicInteger();
    List<Future<Grpc.Outcome<Charge>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < charges; i++) {
        int first = i;
        CreateChargeRequest request = charge(payers.get(i % payers.size()), "crash " + i);
        answers.add(callers.submit(() -> {
          // Alternate instances; a retry (same key) goes to the other one, as a partner's would.
          Grpc.Outcome<Charge> outcome = Charges.definitive(attempt -> Grpc.attempt(
              () -> platform.partnerApi(partner, first + attempt).withDeadlineAfter(30, TimeUnit.SECONDS)
                  .createCharge(request)));
          answered.incrementAndGet();
          return outcome;
        }));
      }
      // Mid-burst: every commit has just woken instance a's relay, so it is draining when it dies.
      await("a third of the charges answered", Duration.ofSeconds(60), () -> answered.get() >= charges / 3);
      victim.killHard();
      Map<String, Integer> outcomes = new TreeMap<>();
      for (Future<Grpc.Outcome<Charge>> answer : answers) {
        Grpc.Outcome<Charge> outcome = answer.get(120, TimeUnit.SECONDS);
        outcomes.merge(outcome.ok() ? outcome.value().getStatus().name() : outcome.code() + " " + outcome.reason(), 1,
            Integer::sum);
      }
      System.out.println("[e2e] charges around a payments-svc kill -9: " + outcomes);
    } finally {
      callers.shutdownNow();
      if (!victim.alive()) {
        victim.restart(READY);
      }
    }

    long mine = db.number("payments", "select count(*) from outbox where partner_client_id = ?", partner.clientId());
    assertTrue(mine >= charges / 3, "the charges wrote their events: " + mine);
    awaitOutboxDrained();
    assertEveryOutboxEventStoredOnceAndNoneInvented();
    System.out.printf("[e2e] after the kill: %d outbox events of this partner, all in notify-svc; %s%n", mine,
        duplicatesSeen());
  }

  @Test
  void theOutboxHoldsWhileNotifyIsDownAndCatchesUp() throws Exception {
    Partner partner = platform.newPartner("delivery-outage", LoadRiskPolicy.CATEGORY);
    List<User> payers = payers(partner, 2);
    ServiceProcess notify = suite.notifySvc();
    int charges = 20;
    List<String> chargeIds = new ArrayList<>();

    notify.stopGracefully();
    try {
      for (int i = 0; i < charges; i++) {
        CreateChargeRequest request = charge(payers.get(i % payers.size()), "outage " + i);
        int first = i;
        Grpc.Outcome<Charge> outcome = Charges.definitive(attempt -> Grpc.attempt(
            () -> platform.partnerApi(partner, first + attempt).createCharge(request)));
        assertTrue(outcome.ok(), outcome::toString);
        chargeIds.add(outcome.value().getChargeId());
      }
      String byPartner = "from outbox where partner_client_id = ?";
      // The relays try (and fail) while notify-svc is away: nothing is dropped, everything waits.
      await("the relays tried the held events", Duration.ofSeconds(30),
          () -> db.number("payments", "select count(*) " + byPartner + " and attempts > 0", partner.clientId()) > 0);
      assertEquals(charges, db.number("payments", "select count(*) " + byPartner, partner.clientId()),
          "one charge.succeeded per charge");
      assertEquals(charges, db.number("payments", "select count(*) " + byPartner + " and published_at is null",
          partner.clientId()), "all held while notify-svc is down");
    } finally {
      notify.restart(READY);
    }

    long back = System.nanoTime();
    await("the held events reached notify-svc", DELIVERY, () -> db.number("notify",
        "select count(*) from events where partner_client_id = ?", partner.clientId()) == charges);
    System.out.printf("[e2e] the outbox caught up %.1f s after notify-svc was ready again%n",
        (System.nanoTime() - back) / 1e9);
    Set<String> stored = new HashSet<>(db.strings("notify",
        "select ordering_key from events where partner_client_id = ? and type = 'charge.succeeded'", partner.clientId()));
    for (String id : chargeIds) {
      assertTrue(stored.contains("charge:" + id), "charge " + id + "'s event reached notify-svc");
    }
    awaitOutboxDrained();
  }

  @Test
  void aLockOutThroughAuthSvcReachesNotifyAsASecurityAlert() throws Exception {
    User user = platform.newUser("locked");
    for (int attempt = 1; attempt <= 10; attempt++) {
      platform.http().post(platform.auth() + "/v1/auth/login", null,
          Map.of("email", user.email(), "password", "not the password")).expect(401);
    }
    platform.http().post(platform.auth() + "/v1/auth/login", null,
        Map.of("email", user.email(), "password", user.password())).expect(423);

    String alert = "select count(*) from events where user_id = ?::uuid and type = 'security.locked_out'";
    await("the lock-out alert reached notify-svc", DELIVERY, () -> db.number("notify", alert, user.id().toString()) == 1);
    assertEquals(List.of(user.email()), db.strings("notify",
        "select data->>'email' from events where user_id = ?::uuid and type = 'security.locked_out'", user.id().toString()));
    assertEquals(List.of("auth-svc"), db.strings("notify",
        "select publisher from events where user_id = ?::uuid and type = 'security.locked_out'", user.id().toString()));
  }

  // ------------------------------------------------------------------------------------------

  /** Users with money, tier 3 (bursts beyond the default tier's day) and a consent for {@code partner}. */
  private static List<User> payers(Partner partner, int n) {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      User user = platform.newUser("payer");
      platform.setKycTier(user, 3);
      platform.topUp(user, 10_000, i);
      platform.consent(user, partner, 1_000);
      users.add(user);
    }
    return users;
  }

  private static CreateChargeRequest charge(User user, String description) {
    return CreateChargeRequest.newBuilder()
        .setIdempotencyKey("delivery-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(AMOUNT))
        .setDescription(description)
        .build();
  }

  private static void awaitOutboxDrained() throws InterruptedException {
    await("payments-svc's outbox drained", DELIVERY,
        () -> db.number("payments", "select count(*) from outbox where published_at is null") == 0);
  }

  /**
   * Every event payments-svc ever wrote is in notify-svc's table (once: its key is the event id),
   * and every event notify-svc holds from payments-svc is one of them.
   */
  private static void assertEveryOutboxEventStoredOnceAndNoneInvented() {
    Set<String> outbox = new HashSet<>(db.strings("payments", "select id::text from outbox"));
    List<String> storedList = db.strings("notify", "select event_id::text from events where publisher = 'payments-svc'");
    Set<String> stored = new HashSet<>(storedList);
    assertEquals(storedList.size(), stored.size(), "no event stored twice");
    Set<String> missing = new HashSet<>(outbox);
    missing.removeAll(stored);
    assertEquals(Set.of(), missing, "outbox events that never reached notify-svc");
    Set<String> invented = new HashSet<>(stored);
    invented.removeAll(outbox);
    assertEquals(Set.of(), invented, "events in notify-svc that payments-svc never wrote");
  }

  /** notify-svc's count of repeated deliveries it recognised (at least once, deduped), for the record. */
  private static String duplicatesSeen() {
    try {
      String text = platform.http().getText(suite.notifySvc().baseUrl() + "/q/metrics");
      for (String line : text.split("\n")) {
        if (line.startsWith("farthing_notify_events_duplicates_total")) {
          return "notify-svc recognised " + line.substring(line.lastIndexOf(' ') + 1) + " repeated deliveries";
        }
      }
      return "no duplicate counter in notify-svc's metrics";
    } catch (RuntimeException e) {
      return "notify-svc's metrics unreadable: " + e.getMessage();
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    fail(what + ": not within " + timeout.toSeconds() + " s");
  }
}
