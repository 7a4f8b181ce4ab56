package io.farthing.payments.tab;

import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.OperatingSystemMXBean;
import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.AddTabItemRequest;
import io.farthing.proto.payments.v1.CloseTabRequest;
import io.farthing.proto.payments.v1.OpenTabRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.Tab;
import io.farthing.proto.payments.v1.TabsGrpc;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a micro-charge costs as a tab item against a one-posting charge, measured against real
 * PostgreSQL: ledger rows (postings + entries, exact, asserted) and the CPU time of this JVM
 * (payments-svc in-process with its gRPC clients and stand-ins; recorded, never asserted). The
 * figures are written to target/benchmarks/tabs-cost.json; docs/benchmarks/tabs.md has a run.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class TabCostTest {
  static final int N = Integer.getInteger("farthing.tabs.cost.n", 300);
  static final int WARMUP = Integer.getInteger("farthing.tabs.cost.warmup", 100);
  static final long SETTLE_EVERY_MINOR = 1_000;

  @GrpcClient("payments")
  TabsGrpc.TabsBlockingStub tabsPlain;

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub paymentsPlain;

  @Inject Fixtures fixtures;

  static long amount(int i) {
    return 5 + (i * 7L) % 16; // 5–20 cents
  }

  @Test
  void aTabItemWritesNoLedgerRowsWhereAChargeWritesAPosting() throws Exception {
    String partner = fixtures.aMerchant(new FeePlan("EUR", 0, 250, 0, null));
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 200_000);
    fixtures.update("insert into payment_users (user_id, kyc_tier) values ($1, 3)", user);
    io.farthing.payments.support.FakeAuth.consent(user, partner, 100_000, "EUR");
    TabsGrpc.TabsBlockingStub tabs = withToken(tabsPlain, TestTokens.client(partner, "payments:charge", "payments:read"));

    runCharges(partner, user, WARMUP);
    runTab(tabs, user, WARMUP);

    long cpu0 = cpuNanos();
    List<String> chargeIds = runCharges(partner, user, N);
    long cpu1 = cpuNanos();
    Tab tab = runTab(tabs, user, N);
    long cpu2 = cpuNanos();

    long chargeRows =
        ledgerRows("p.ref_id = any($1::uuid[])", (Object) chargeIds.stream().map(UUID::fromString).toArray(UUID[]::new));
    long tabRows =
        ledgerRows(
            "p.ref_id = $1 or p.ref_id in (select id from charges where metadata->>'tab_id' = $2)",
            UUID.fromString(tab.getTabId()), tab.getTabId());
    long itemRows = fixtures.longValue("select count(*) from tab_items where tab_id = $1", UUID.fromString(tab.getTabId()));
    int settlements = tab.getSettlementCount();

    UUID[] ids = chargeIds.stream().map(UUID::fromString).toArray(UUID[]::new);
    long chargesWithFee = fixtures.longValue("select count(*) from charges where fee_minor > 0 and id = any($1::uuid[])", (Object) ids);
    long settlementsWithFee =
        fixtures.longValue("select count(*) from charges where fee_minor > 0 and metadata->>'tab_id' = $1", tab.getTabId());
    // A posting row, and an entry per non-zero line: wallet and merchant, and the fee when it is not 0.
    assertEquals(3L * N + chargesWithFee, chargeRows, "a charge: 1 posting + wallet, merchant (+ fee) entries");
    long releaseRows = tab.getCap().getAmountMinor() > tab.getSettled().getAmountMinor() ? 3 : 0;
    assertEquals(
        3 + 3L * settlements + settlementsWithFee + releaseRows, tabRows,
        "hold + one posting per settlement (+ the release of an unused hold)");
    assertEquals(N, itemRows);

    JsonObject report =
        new JsonObject()
            .put("microCharges", N)
            .put("warmupEach", WARMUP)
            .put("settleThresholdMinor", SETTLE_EVERY_MINOR)
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put(
                "charges",
                new JsonObject()
                    .put("ledgerRows", chargeRows)
                    .put("ledgerRowsPerMicroCharge", (double) chargeRows / N)
                    .put("otherRows", N)
                    .put("cpuMs", (cpu1 - cpu0) / 1e6)
                    .put("cpuUsPerMicroCharge", (cpu1 - cpu0) / 1e3 / N))
            .put(
                "tab",
                new JsonObject()
                    .put("settlements", settlements)
                    .put("ledgerRows", tabRows)
                    .put("ledgerRowsPerMicroCharge", (double) tabRows / N)
                    .put("otherRows", itemRows + settlements + 1)
                    .put("cpuMs", (cpu2 - cpu1) / 1e6)
                    .put("cpuUsPerMicroCharge", (cpu2 - cpu1) / 1e3 / N));
    Path out = Path.of("target/benchmarks/tabs-cost.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.encodePrettily());
  }

  private List<String> runCharges(String partner, UUID user, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(charge(paymentsPlain, partner, user, amount(i)).getChargeId());
    }
    return ids;
  }

  private Tab runTab(TabsGrpc.TabsBlockingStub tabs, UUID user, int n) {
    long cap = 0;
    for (int i = 0; i < n; i++) {
      cap += amount(i);
    }
    Tab open =
        tabs.openTab(
            OpenTabRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setUserId(user.toString())
                .setCap(eur(cap))
                .setSettleThresholdMinor(Math.min(cap, SETTLE_EVERY_MINOR))
                .setDescription("Articles")
                .build());
    for (int i = 0; i < n; i++) {
      tabs.addTabItem(
          AddTabItemRequest.newBuilder()
              .setIdempotencyKey(UUID.randomUUID().toString())
              .setTabId(open.getTabId())
              .setAmount(eur(amount(i)))
              .setDescription("Article")
              .build());
    }
    return tabs.closeTab(
        CloseTabRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setTabId(open.getTabId()).build());
  }

  private long ledgerRows(String where, Object... args) {
    return fixtures.longValue(
        "select count(distinct p.id) + count(e.id) from postings p join entries e on e.posting_id = p.id where " + where,
        args);
  }

  private static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
  }

  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
