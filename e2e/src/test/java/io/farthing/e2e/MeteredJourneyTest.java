package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.harness.AlertStream;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.GetTabRequest;
import io.farthing.proto.payments.v1.MeterUsageRequest;
import io.farthing.proto.payments.v1.MeterUsageSummary;
import io.farthing.proto.payments.v1.OpenTabRequest;
import io.farthing.proto.payments.v1.Tab;
import io.farthing.proto.payments.v1.TabCloseReason;
import io.farthing.proto.payments.v1.TabKind;
import io.farthing.proto.payments.v1.TabStatus;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metered streams through every real service: a budget pre-authorised on one payments-svc
 * replica (auth-svc's consent, risk-svc's Score), usage streamed to the other; one stream finishes
 * and is answered with its summary, one drops mid-way and is still settled once; the user's
 * wallet shows exactly what was used and notify-svc tells the user how each tab ended.
 */
@ExtendWith(E2eExtension.class)
class MeteredJourneyTest {
  @Test
  void aFinishedAndADroppedStreamEachCaptureWhatWasUsedAndTheUserIsTold() throws Exception {
    Platform platform = E2eExtension.suite().platform();
    Partner partner = platform.newPartner("metered", "news");
    User user = platform.newUser("watching");
    platform.topUp(user, 2_000, 0);
    platform.consent(user, partner, 1_000);

    try (AlertStream alerts = AlertStream.open(platform.notifySvc(), user.token())) {
      Tab finished = open(platform, partner, user, 300);
      assertEquals(1_700, platform.balance(user, 1), "the budget is held");
      CompletableFuture<MeterUsageSummary> answer = new CompletableFuture<>();
      StreamObserver<MeterUsageRequest> usage = platform.tabsStreams(partner, 1).meterUsage(observer(answer));
      for (long second = 1; second <= 20; second++) {
        usage.onNext(use(finished.getTabId(), second, 2));
      }
      usage.onNext(use(finished.getTabId(), 20, 2)); // a resend: ignored
      usage.onCompleted();
      MeterUsageSummary summary = answer.get(30, TimeUnit.SECONDS);
      assertEquals(20, summary.getCountedIncrements());
      assertEquals(1, summary.getReplayedIncrements());
      assertEquals(TabCloseReason.TAB_CLOSE_REASON_COMPLETED, summary.getTab().getCloseReason());
      assertEquals(40, summary.getTab().getSettled().getAmountMinor());
      assertEquals(1_960, platform.balance(user, 0));
      JsonNode closedAlert = alerts.await(tabClosed(finished.getTabId()), Duration.ofSeconds(20));
      assertNotNull(closedAlert, "the user was told the tab closed");
      assertEquals("COMPLETED", closedAlert.path("data").path("closeReason").asText(), closedAlert::toString);

      Tab dropped = open(platform, partner, user, 300);
      CompletableFuture<MeterUsageSummary> never = new CompletableFuture<>();
      StreamObserver<MeterUsageRequest> broken = platform.tabsStreams(partner, 1).meterUsage(observer(never));
      for (long second = 1; second <= 15; second++) {
        broken.onNext(use(dropped.getTabId(), second, 3));
      }
      awaitTab(platform, partner, dropped.getTabId(), t -> t.getIncrementCount() == 15);
      broken.onError(new RuntimeException("the partner's connection dropped"));
      Tab closed = awaitTab(platform, partner, dropped.getTabId(), t -> t.getStatus() == TabStatus.TAB_STATUS_CLOSED);
      assertEquals(TabCloseReason.TAB_CLOSE_REASON_DROPPED, closed.getCloseReason());
      assertEquals(45, closed.getSettled().getAmountMinor());
      assertEquals(1, closed.getSettlementCount());
      assertEquals(1_915, platform.balance(user, 1), "what was used, once; the rest back in the wallet");
      JsonNode droppedAlert = alerts.await(tabClosed(dropped.getTabId()), Duration.ofSeconds(20));
      assertNotNull(droppedAlert, "the user was told the dropped tab closed");
      assertTrue(droppedAlert.path("body").asText().contains("released back to your wallet"), droppedAlert::toString);
    }
    JsonNode run = platform.reconcile();
    assertFalse(run.path("drift").asBoolean(true), run::toString);
    assertEquals(0, run.path("problems").asLong(-1), run::toString);
  }

  private static Tab open(Platform platform, Partner partner, User user, long budgetMinor) {
    return platform.tabsApi(partner, 0).openTab(OpenTabRequest.newBuilder()
        .setIdempotencyKey("meter-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setKind(TabKind.TAB_KIND_METERED)
        .setCap(eur(budgetMinor))
        .setDescription("Live match")
        .build());
  }

  private static MeterUsageRequest use(String tabId, long sequence, long minor) {
    return MeterUsageRequest.newBuilder().setTabId(tabId).setSequence(sequence).setAmount(eur(minor)).build();
  }

  private static Predicate<JsonNode> tabClosed(String tabId) {
    return alert -> "tab.closed".equals(alert.path("type").asText())
        && tabId.equals(alert.path("data").path("tabId").asText());
  }

  private static StreamObserver<MeterUsageSummary> observer(CompletableFuture<MeterUsageSummary> answer) {
    return new StreamObserver<>() {
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
    };
  }

  private static Tab awaitTab(Platform platform, Partner partner, String tabId, Predicate<Tab> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Tab tab = platform.tabsApi(partner, 0).getTab(GetTabRequest.newBuilder().setTabId(tabId).build());
    while (!condition.test(tab) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      tab = platform.tabsApi(partner, 0).getTab(GetTabRequest.newBuilder().setTabId(tabId).build());
    }
    Tab last = tab;
    assertTrue(condition.test(last), () -> "the tab never got there: " + last);
    return last;
  }
}
