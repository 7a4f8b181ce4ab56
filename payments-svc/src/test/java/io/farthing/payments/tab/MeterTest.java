package io.farthing.payments.tab;

import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.payments.tab.TabTest.aTab;
import static io.farthing.payments.tab.TabTest.anItem;
import static io.farthing.payments.tab.TabTest.close;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.GetTabRequest;
import io.farthing.proto.payments.v1.MeterUsageRequest;
import io.farthing.proto.payments.v1.MeterUsageSummary;
import io.farthing.proto.payments.v1.MutinyTabsGrpc;
import io.farthing.proto.payments.v1.Tab;
import io.farthing.proto.payments.v1.TabCloseReason;
import io.farthing.proto.payments.v1.TabKind;
import io.farthing.proto.payments.v1.TabStatus;
import io.farthing.proto.payments.v1.TabsGrpc;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Metered streams through the partner's MeterUsage stream against real PostgreSQL: what is
 * captured and released however a stream ends, replays, the budget, the idle janitor, and streams
 * racing closes, asserted on balances, postings and the tab.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
public class MeterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @GrpcClient("payments")
  TabsGrpc.TabsBlockingStub plain;

  @GrpcClient("payments")
  MutinyTabsGrpc.MutinyTabsStub mutiny;

  /** The plain async stub (Quarkus injects no such stub): a stream the test drives message by message. */
  @GrpcClient("payments")
  io.grpc.Channel channel;

  @Inject Fixtures fixtures;
  @Inject TabService service;

  private static String partnerToken(String partner) {
    return TestTokens.client(partner, "payments:charge", "payments:read");
  }

  TabsGrpc.TabsBlockingStub tabs(String partner) {
    return withToken(plain, partnerToken(partner));
  }

  Tab openMetered(String partner, UUID user, long budgetMinor) {
    return tabs(partner).openTab(aTab(user, budgetMinor, 0).setKind(TabKind.TAB_KIND_METERED).build());
  }

  public static MeterUsageRequest use(String tabId, long sequence, long minor) {
    return use(tabId, sequence, minor, "EUR");
  }

  public static MeterUsageRequest use(String tabId, long sequence, long minor, String currency) {
    return MeterUsageRequest.newBuilder()
        .setTabId(tabId)
        .setSequence(sequence)
        .setAmount(Money.newBuilder().setAmountMinor(minor).setCurrency(currency))
        .build();
  }

  /** Sends {@code usage} as one stream and half-closes it. */
  Uni<MeterUsageSummary> stream(String partner, List<MeterUsageRequest> usage) {
    return withToken(mutiny, partnerToken(partner)).meterUsage(Multi.createFrom().iterable(usage));
  }

  MeterUsageSummary streamed(String partner, MeterUsageRequest... usage) {
    return stream(partner, List.of(usage)).await().atMost(WAIT);
  }

  StatusRuntimeException refusedStream(String partner, MeterUsageRequest... usage) {
    return assertThrows(StatusRuntimeException.class, () -> streamed(partner, usage));
  }

  /** A stream the test keeps open, sends on, breaks or half-closes itself. */
  final class OpenStream {
    final CompletableFuture<MeterUsageSummary> answer = new CompletableFuture<>();
    final StreamObserver<MeterUsageRequest> out;

    OpenStream(String partner) {
      out =
          withToken(TabsGrpc.newStub(channel), partnerToken(partner))
              .meterUsage(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(MeterUsageSummary value) {
                      answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
    }

    /** The partner's side goes away mid-stream: the call is cancelled without a half-close. */
    void drop() {
      out.onError(new RuntimeException("the partner's connection dropped"));
    }

    Throwable failure() {
      try {
        answer.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      } catch (Exception e) {
        fail("the stream did not end: " + e);
      }
      return fail("the stream was answered instead of failing");
    }
  }

  /** A stream left open once its {@code count} increments of {@code minor} (sequences 1…count) are counted. */
  OpenStream counted(String partner, String tabId, long count, long minor) {
    OpenStream stream = new OpenStream(partner);
    for (long s = 1; s <= count; s++) {
      stream.out.onNext(use(tabId, s, minor));
    }
    awaitTab(partner, tabId, t -> t.getIncrementCount() == count);
    return stream;
  }

  Tab get(String partner, String tabId) {
    return tabs(partner).getTab(GetTabRequest.newBuilder().setTabId(tabId).build());
  }

  /** The tab once {@code condition} holds (the server works through a stream on its own time). */
  Tab awaitTab(String partner, String tabId, Predicate<Tab> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Tab tab = get(partner, tabId);
    while (!condition.test(tab)) {
      if (System.nanoTime() > deadline) {
        fail("the tab never got there: " + tab);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
      tab = get(partner, tabId);
    }
    return tab;
  }

  long postings(String tabId, String kind) {
    return fixtures.longValue(
        "select count(*) from postings where kind = $2 and (ref_id = $1::text::uuid or ref_id in"
            + " (select id from charges where metadata->>'tab_id' = $1::text))",
        tabId, kind);
  }

  long settlementCharges(String tabId) {
    return fixtures.longValue("select count(*) from charges where metadata->>'tab_id' = $1", tabId);
  }

  /** The money rules for a metered tab that has closed: captured once, the rest released once. */
  void assertSettledOnce(String tabId, UUID user, long fundedMinor, long usedMinor) {
    assertEquals(1, postings(tabId, TabService.TAB_HOLD), "held once");
    assertEquals(usedMinor > 0 ? 1 : 0, settlementCharges(tabId), "one settlement");
    assertEquals(usedMinor > 0 ? 1 : 0, postings(tabId, TabService.TAB_SETTLE), "captured once");
    assertEquals(1, postings(tabId, TabService.TAB_RELEASE), "released once");
    assertEquals(usedMinor, TabTest.settledCharges(fixtures, tabId));
    assertEquals(fundedMinor - usedMinor, fixtures.balance(user, "EUR"));
    TabTest.assertLedgerHolds(fixtures, user);
  }

  @Test
  void aStreamCapturesWhatWasUsedAndReleasesTheRestAtClose() {
    String partner = fixtures.aMerchant(); // 2 fixed + 2.5 %
    UUID user = fixtures.payer(partner, 1_000, 600);
    long merchantBefore = fixtures.merchantBalance(partner, "EUR");
    long feesBefore = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR");
    long holdsBefore = fixtures.platformBalance(AccountKind.HOLDS, "EUR");

    Tab open = openMetered(partner, user, 500);
    assertEquals(TabKind.TAB_KIND_METERED, open.getKind());
    assertEquals(500, open.getSettleThreshold().getAmountMinor(), "settled once, at close");
    assertEquals(500, fixtures.balance(user, "EUR"), "the budget is held");

    List<MeterUsageRequest> seconds =
        LongStream.rangeClosed(1, 30).mapToObj(s -> use(open.getTabId(), s, 3)).toList();
    MeterUsageSummary summary = stream(partner, seconds).await().atMost(WAIT);

    assertEquals(30, summary.getCountedIncrements());
    assertEquals(0, summary.getReplayedIncrements());
    assertEquals(90, summary.getCounted().getAmountMinor());
    Tab closed = summary.getTab();
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closed.getStatus());
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_COMPLETED, closed.getCloseReason());
    assertEquals(90, closed.getTotal().getAmountMinor());
    assertEquals(90, closed.getSettled().getAmountMinor());
    assertEquals(30, closed.getLastSequence());
    assertEquals(30, closed.getIncrementCount());
    assertEquals(1, closed.getSettlementCount());
    assertEquals(0, fixtures.longValue("select count(*) from tab_items where tab_id = $1::uuid", open.getTabId()),
        "increments need no rows of their own");
    assertSettledOnce(open.getTabId(), user, 1_000, 90);
    long fee = fixtures.platformBalance(AccountKind.PLATFORM_FEES, "EUR") - feesBefore;
    assertTrue(fee > 0, "the merchant's plan applies to what was used");
    assertEquals(90 - fee, fixtures.merchantBalance(partner, "EUR") - merchantBefore);
    assertEquals(holdsBefore, fixtures.platformBalance(AccountKind.HOLDS, "EUR"), "nothing stays held");
    assertEquals(
        List.of("tab.opened", "tab.settled", "tab.closed"),
        fixtures.strings(
            "select type from outbox where ordering_key = $1 order by seq",
            "tab:" + open.getTabId()));
  }

  @Test
  void aReplayedIncrementIsNotCountedTwice() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = openMetered(partner, user, 300);
    String id = open.getTabId();

    MeterUsageSummary first =
        streamed(partner, use(id, 1, 5), use(id, 2, 5), use(id, 3, 5), use(id, 2, 5), use(id, 3, 5), use(id, 4, 5));
    assertEquals(4, first.getCountedIncrements());
    assertEquals(2, first.getReplayedIncrements());
    assertEquals(20, first.getTab().getSettled().getAmountMinor());
    assertEquals(4, first.getTab().getLastSequence());
    long postingsAfterClose = fixtures.longValue("select count(*) from postings");

    // The partner lost the summary and sends the whole stream again: answered with the closed tab.
    MeterUsageSummary again =
        streamed(partner, use(id, 1, 5), use(id, 2, 5), use(id, 3, 5), use(id, 2, 5), use(id, 3, 5), use(id, 4, 5));
    assertEquals(0, again.getCountedIncrements());
    assertEquals(6, again.getReplayedIncrements());
    assertEquals(first.getTab(), again.getTab());
    assertEquals(postingsAfterClose, fixtures.longValue("select count(*) from postings"), "nothing moved again");
    assertSettledOnce(id, user, 1_000, 20);

    // A new sequence on the closed tab is not a replay: the stream is told the tab is closed.
    StatusRuntimeException late = refusedStream(partner, use(id, 5, 5));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(late));
    assertEquals("TAB_CLOSED", reason(late));
    assertSettledOnce(id, user, 1_000, 20);
  }

  @Test
  void anIncrementPastTheBudgetEndsTheStreamAndCapturesWhatFitted() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = openMetered(partner, user, 10);
    String id = open.getTabId();

    StatusRuntimeException e = refusedStream(partner, use(id, 1, 4), use(id, 2, 4), use(id, 3, 4), use(id, 4, 1));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(e));
    assertEquals("TAB_CAP_EXCEEDED", reason(e));

    Tab closed = get(partner, id);
    assertEquals(TabStatus.TAB_STATUS_CLOSED, closed.getStatus());
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_BUDGET_EXCEEDED, closed.getCloseReason());
    assertEquals(8, closed.getSettled().getAmountMinor());
    assertEquals(2, closed.getLastSequence(), "the refused increment and the one after it were not counted");
    assertSettledOnce(id, user, 1_000, 8);
  }

  @Test
  void aDroppedStreamStillSettlesWhatWasUsedExactlyOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = openMetered(partner, user, 400);
    String id = open.getTabId();

    OpenStream stream = counted(partner, id, 10, 3);
    Tab counting = get(partner, id);
    assertEquals(TabStatus.TAB_STATUS_OPEN, counting.getStatus());
    assertEquals(30, counting.getTotal().getAmountMinor());
    assertEquals(600, fixtures.balance(user, "EUR"), "the budget is still held");

    stream.drop();
    Tab closed = awaitTab(partner, id, t -> t.getStatus() == TabStatus.TAB_STATUS_CLOSED);
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_DROPPED, closed.getCloseReason());
    assertEquals(30, closed.getSettled().getAmountMinor());
    assertSettledOnce(id, user, 1_000, 30);

    // A janitor pass and the partner's CloseTab afterwards change nothing.
    fixtures.update("update tabs set last_usage_at = now() - interval '1 hour' where id = $1::uuid", id);
    assertFalse(service.closeIfDue(UUID.fromString(id)).await().atMost(WAIT));
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_DROPPED, tabs(partner).closeTab(close(id)).getCloseReason());
    assertSettledOnce(id, user, 1_000, 30);
  }

  @Test
  void aDropRacingTheJanitorAndCloseTabSettlesOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    for (int round = 0; round < 3; round++) {
      long funded = fixtures.balance(user, "EUR");
      Tab open = openMetered(partner, user, 200);
      String id = open.getTabId();
      OpenStream stream = counted(partner, id, 7, 2);
      fixtures.update("update tabs set last_usage_at = now() - interval '1 hour' where id = $1::uuid", id);

      List<CompletableFuture<?>> closes = new ArrayList<>();
      closes.add(service.closeIfDue(UUID.fromString(id)).subscribeAsCompletionStage());
      stream.drop();
      closes.add(withToken(mutiny, partnerToken(partner)).closeTab(close(id)).subscribeAsCompletionStage());
      closes.add(service.closeIfDue(UUID.fromString(id)).subscribeAsCompletionStage());
      closes.forEach(CompletableFuture::join);

      Tab closed = awaitTab(partner, id, t -> t.getStatus() == TabStatus.TAB_STATUS_CLOSED);
      assertTrue(
          List.of(
                  TabCloseReason.TAB_CLOSE_REASON_DROPPED, TabCloseReason.TAB_CLOSE_REASON_IDLE,
                  TabCloseReason.TAB_CLOSE_REASON_PARTNER)
              .contains(closed.getCloseReason()),
          closed.toString());
      assertEquals(14, closed.getSettled().getAmountMinor());
      assertSettledOnce(id, user, funded, 14);
    }
  }

  @Test
  void theJanitorSettlesASessionWhoseStreamWentSilent() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = openMetered(partner, user, 300);
    String id = open.getTabId();
    OpenStream stream = counted(partner, id, 5, 2);
    assertFalse(service.closeIfDue(UUID.fromString(id)).await().atMost(WAIT), "used a moment ago");

    // As if the replica holding the stream had died: no usage for longer than the idle timeout.
    fixtures.update("update tabs set last_usage_at = now() - interval '1 hour' where id = $1::uuid", id);
    List<CompletableFuture<Boolean>> janitors = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      janitors.add(service.closeIfDue(UUID.fromString(id)).subscribeAsCompletionStage());
    }
    assertEquals(1, janitors.stream().map(CompletableFuture::join).filter(b -> b).count(), "closed exactly once");
    Tab closed = get(partner, id);
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_IDLE, closed.getCloseReason());
    assertSettledOnce(id, user, 1_000, 10);

    stream.out.onNext(use(id, 6, 2));
    Throwable late = stream.failure();
    assertEquals("TAB_CLOSED", reason(late), String.valueOf(late));
    assertSettledOnce(id, user, 1_000, 10);

    // A session that never sent anything is released in full once idle.
    Tab unused = openMetered(partner, user, 100);
    fixtures.update(
        "update tabs set created_at = now() - interval '1 hour' where id = $1::uuid", unused.getTabId());
    assertTrue(service.closeIfDue(UUID.fromString(unused.getTabId())).await().atMost(WAIT));
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_IDLE, get(partner, unused.getTabId()).getCloseReason());
    assertSettledOnce(unused.getTabId(), user, 990, 0);
  }

  @Test
  void concurrentStreamsOnOneSessionStayWithinItsBudgetAndSettleItOnce() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 2_000, 1_500);
    Tab open = openMetered(partner, user, 500);
    String id = open.getTabId();

    List<CompletableFuture<Object>> streams = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      List<MeterUsageRequest> usage = new ArrayList<>();
      for (int i = 1; i <= 25; i++) {
        usage.add(use(id, i * 4L + k, 7));
      }
      streams.add(
          stream(partner, usage).map(o -> (Object) o).onFailure().recoverWithItem(e -> e).subscribeAsCompletionStage());
    }
    List<Object> outcomes = streams.stream().map(CompletableFuture::join).toList();

    for (Object outcome : outcomes) {
      if (outcome instanceof Throwable t) {
        assertTrue(List.of("TAB_CAP_EXCEEDED", "TAB_CLOSED").contains(reason(t)), String.valueOf(t));
      } else {
        assertInstanceOf(MeterUsageSummary.class, outcome);
      }
    }
    Tab closed = awaitTab(partner, id, t -> t.getStatus() == TabStatus.TAB_STATUS_CLOSED);
    long used = closed.getSettled().getAmountMinor();
    assertEquals(closed.getIncrementCount() * 7, used, "every counted increment, once");
    assertEquals(closed.getTotal().getAmountMinor(), used);
    assertTrue(used <= 500 && used > 0, closed.toString());
    assertSettledOnce(id, user, 2_000, used);
  }

  @Test
  void theUserSeesAMeteredTabLiveAndCanStopIt() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);
    Tab open = openMetered(partner, user, 250);
    String id = open.getTabId();
    OpenStream stream = new OpenStream(partner);
    for (long s = 1; s <= 4; s++) {
      stream.out.onNext(use(id, s * 10, 6));
    }
    awaitTab(partner, id, t -> t.getIncrementCount() == 4);
    String token = userToken(user);

    as(token).get("/v1/tabs/" + id).then().statusCode(200)
        .body("kind", equalTo("METERED"))
        .body("status", equalTo("OPEN"))
        .body("totalMinor", equalTo(24))
        .body("heldMinor", equalTo(250))
        .body("lastSequence", equalTo(40))
        .body("incrementCount", equalTo(4));

    as(token).header("Idempotency-Key", UUID.randomUUID().toString()).post("/v1/tabs/" + id + "/close")
        .then().statusCode(200)
        .body("status", equalTo("CLOSED"))
        .body("closeReason", equalTo("USER"))
        .body("settledMinor", equalTo(24));
    stream.out.onNext(use(id, 50, 6));
    assertEquals("TAB_CLOSED", reason(stream.failure()));
    assertSettledOnce(id, user, 1_000, 24);
  }

  @Test
  void badUsageIsRefusedWithItsReasonAndAFirstBadMessageLeavesTheTabAsItWas() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 600);

    StatusRuntimeException threshold =
        assertThrows(
            StatusRuntimeException.class,
            () -> tabs(partner).openTab(aTab(user, 100, 50).setKind(TabKind.TAB_KIND_METERED).build()));
    assertEquals("INVALID_THRESHOLD", reason(threshold));
    assertEquals(1_000, fixtures.balance(user, "EUR"), "nothing held");

    StatusRuntimeException empty = refusedStream(partner);
    assertEquals(Status.Code.INVALID_ARGUMENT, code(empty));
    assertEquals("MISSING_FIELD", reason(empty));

    Tab items = tabs(partner).openTab(aTab(user, 100, 100).build());
    StatusRuntimeException kind = refusedStream(partner, use(items.getTabId(), 1, 5));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(kind));
    assertEquals("TAB_KIND_MISMATCH", reason(kind));
    assertEquals(TabStatus.TAB_STATUS_OPEN, get(partner, items.getTabId()).getStatus(), "an items tab is not closed");

    Tab metered = openMetered(partner, user, 100);
    String id = metered.getTabId();
    StatusRuntimeException add =
        assertThrows(StatusRuntimeException.class, () -> tabs(partner).addTabItem(anItem(id, 5)));
    assertEquals("TAB_KIND_MISMATCH", reason(add));

    for (MeterUsageRequest bad :
        List.of(
            use(id, 0, 5), use(id, -3, 5), use(id, 1, 0), use(id, 1, -5), use(id, 1, 5, "EURO"),
            use("not-a-tab", 1, 5), MeterUsageRequest.newBuilder().setTabId(id).setSequence(1).build())) {
      StatusRuntimeException e = refusedStream(partner, bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, code(e), bad.toString());
    }
    StatusRuntimeException other = refusedStream(fixtures.aMerchant(), use(id, 1, 5));
    assertEquals(Status.Code.NOT_FOUND, code(other));
    assertEquals("TAB_NOT_FOUND", reason(other));
    StatusRuntimeException scope =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                withToken(mutiny, TestTokens.client(partner, "payments:read"))
                    .meterUsage(Multi.createFrom().item(use(id, 1, 5)))
                    .await()
                    .atMost(WAIT));
    assertEquals(Status.Code.PERMISSION_DENIED, code(scope));
    Tab untouched = get(partner, id);
    assertEquals(TabStatus.TAB_STATUS_OPEN, untouched.getStatus());
    assertEquals(0, untouched.getTotal().getAmountMinor());
    assertEquals(0, untouched.getLastSequence());

    // After a counted increment, a bad message ends the stream and closes the tab with what was used.
    StatusRuntimeException currency = refusedStream(partner, use(id, 1, 5), use(id, 2, 5, "GBP"), use(id, 3, 5));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(currency));
    assertEquals("CURRENCY_MISMATCH", reason(currency));
    Tab dropped = get(partner, id);
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_DROPPED, dropped.getCloseReason());
    assertSettledOnce(id, user, 900, 5);

    Tab another = openMetered(partner, user, 100);
    StatusRuntimeException switched =
        refusedStream(partner, use(another.getTabId(), 1, 5), use(items.getTabId(), 2, 5));
    assertEquals("INVALID_ID", reason(switched));
    assertEquals(TabCloseReason.TAB_CLOSE_REASON_DROPPED, get(partner, another.getTabId()).getCloseReason());
    assertEquals(TabStatus.TAB_STATUS_OPEN, get(partner, items.getTabId()).getStatus());
    assertSettledOnce(another.getTabId(), user, 895, 5);
  }
}
