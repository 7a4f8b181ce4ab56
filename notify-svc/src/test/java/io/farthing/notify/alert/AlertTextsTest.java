package io.farthing.notify.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AlertTextsTest {
  private static JsonObject charge() {
    return new JsonObject()
        .put("partnerClientId", "fcl_pixel")
        .put("currency", "EUR")
        .put("amountMinor", 180)
        .put("capturedMinor", 180)
        .put("feeMinor", 7)
        .put("description", "Level pack");
  }

  @Test
  void aChargeSaysAmountMerchantFeeAndWhatIsLeftOfTheDailyCap() {
    AlertText text = AlertTexts.of("charge.succeeded", charge().put("merchantName", "Pixel Games Ltd").put("dailyCapRemainingMinor", 820));

    assertEquals("You paid €1.80 to Pixel Games Ltd", text.title());
    assertEquals(
        "You paid €1.80 to Pixel Games Ltd for \u201cLevel pack\u201d. Fee included: €0.07."
            + " Left of your daily cap today: €8.20.",
        text.body());
  }

  @Test
  void aRedemptionSaysHowMuchCreditThePointsBecame() {
    AlertText text =
        AlertTexts.of("loyalty.redeemed", new JsonObject().put("currency", "EUR").put("amountMinor", 125));

    assertEquals("€1.25 of points added to your wallet", text.title());
    assertEquals("You turned €1.25 of loyalty points into wallet credit.", text.body());
  }

  @Test
  void withoutAMerchantNameTheChargeNamesThePartnerAndWithoutACapSaysSo() {
    AlertText text = AlertTexts.of("charge.succeeded", charge());

    assertEquals("You paid €1.80 to fcl_pixel", text.title());
    assertTrue(text.body().endsWith("You have no daily cap set."), text.body());
  }

  @Test
  void refundsFailuresAndChallengesReadAsSentences() {
    assertEquals(
        "Refund of €0.40 from fcl_pixel",
        AlertTexts.of("charge.refunded", charge().put("refundMinor", 40).put("refundedMinor", 40)).title());
    String failed = AlertTexts.of("charge.failed", charge().put("failureReason", "INSUFFICIENT_FUNDS")).body();
    assertTrue(failed.contains("did not go through: there is not enough money in your wallet"), failed);
    assertTrue(AlertTexts.of("charge.failed", charge().put("failureReason", "SOMETHING_NEW")).body().contains(": something new"));
    assertEquals("Confirm your payment to fcl_pixel", AlertTexts.of("charge.requires_action", charge()).title());
  }

  @Test
  void anUndoneChargeSaysTheUserUndidIt() {
    AlertText text = AlertTexts.of("charge.refunded", charge().put("refundMinor", 180).put("reason", "undo"));

    assertEquals("Payment to fcl_pixel undone", text.title());
    assertEquals("You undid your payment to fcl_pixel for \u201cLevel pack\u201d. €1.80 is back in your wallet.", text.body());
  }

  @Test
  void transfersTopUpsAndLimits() {
    JsonObject transfer = new JsonObject().put("currency", "EUR").put("amountMinor", 500).put("note", "Lunch");
    assertEquals("You received €5.00", AlertTexts.of("transfer.received", transfer).title());
    assertTrue(AlertTexts.of("transfer.sent", transfer).body().contains("\u201cLunch\u201d"));
    JsonObject topUp = new JsonObject().put("currency", "EUR").put("amountMinor", 2000).put("failureReason", "TOPUP_DECLINED");
    assertEquals("Top-up of €20.00 added", AlertTexts.of("topup.succeeded", topUp).title());
    assertTrue(AlertTexts.of("topup.failed", topUp).body().contains("your bank declined it"));
    JsonObject limit =
        new JsonObject().put("limit", "USER_DAILY_CAP").put("limitMinor", 1000).put("currency", "EUR").put("attemptedMinor", 1200);
    assertEquals(
        "A payment of €12.00 was refused: it would pass your daily cap of €10.00.",
        AlertTexts.of("limit.reached", limit).body());
    JsonObject caps =
        new JsonObject().put("currency", "EUR").put("dailyCapMinor", 500).putNull("monthlyCapMinor")
            .put("pending", new JsonObject().put("effectiveAt", "2026-12-03T10:00:00Z").put("dailyCapMinor", 5000));
    String changed = AlertTexts.of("limit.changed", caps).body();
    assertTrue(changed.startsWith("Daily cap: €5.00. Monthly cap: none."), changed);
    assertTrue(changed.contains("of the daily cap to €50.00 takes effect on 3 Dec 2026, 10:00 UTC"), changed);
  }

  @Test
  void securityAlertsNeverSayNull() {
    for (String type : new String[] {"security.new_device", "security.locked_out", "security.step_up_failed", "security.other"}) {
      AlertText text = AlertTexts.of(type, new JsonObject());
      assertFalse(text.title().contains("null") || text.body().contains("null"), type + ": " + text);
    }
  }

  @Test
  void settlementEventsReadAsSentencesAndNeverSayNull() {
    JsonObject paid = new JsonObject().put("currency", "EUR").put("payoutMinor", 12345).put("netMinor", 12345);
    assertEquals("Payout of €123.45 sent", AlertTexts.of("payout.settled", paid).title());
    assertTrue(
        AlertTexts.of("payout.failed", paid.copy().put("failureReason", "ACCOUNT_CLOSED")).body()
            .contains("did not go through: account closed. It is retried."));
    assertTrue(AlertTexts.of("settlement.closed", paid).body().contains("€123.45 will be paid out"));
    JsonObject carried = new JsonObject().put("currency", "EUR").put("payoutMinor", 0).put("netMinor", -250).put("carriedForward", true);
    assertTrue(AlertTexts.of("settlement.closed", carried).body().contains("net of -€2.50 is carried"));
    for (String type : new String[] {"settlement.closed", "payout.settled", "payout.failed"}) {
      AlertText text = AlertTexts.of(type, new JsonObject());
      assertFalse(text.title().contains("null") || text.body().contains("null"), type + ": " + text);
    }
  }

  @Test
  void tabsSayWhatIsHeldWhatWasPaidAndWhatCameBack() {
    JsonObject tab =
        new JsonObject().put("partnerClientId", "fcl_news").put("merchantName", "Daily News").put("currency", "EUR")
            .put("capMinor", 500).put("settledMinor", 120).put("description", "Articles");
    assertEquals("Tab opened with Daily News", AlertTexts.of("tab.opened", tab).title());
    assertEquals(
        "Daily News opened a tab for \u201cArticles\u201d of up to €5.00. That much is held in your wallet until"
            + " the tab closes; only what you use is taken.",
        AlertTexts.of("tab.opened", tab).body());
    AlertText settled = AlertTexts.of("tab.settled", tab.copy().put("amountMinor", 120));
    assertEquals("You paid €1.20 to Daily News", settled.title());
    assertTrue(settled.body().endsWith("Used so far: €1.20 of €5.00."), settled.body());
    String closed = AlertTexts.of("tab.closed", tab.copy().put("releasedMinor", 380)).body();
    assertTrue(closed.endsWith("You paid €1.20 in all; €3.80 was released back to your wallet."), closed);
  }

  @Test
  void allowancesSayWhoMayChargeHowMuchAndUntilWhen() {
    JsonObject allowance =
        new JsonObject().put("partnerClientId", "fcl_news").put("merchantName", "Daily News").put("currency", "EUR")
            .put("limitMinor", 500).put("interval", "R/2026-12-01T00:00:00Z/P1M")
            .put("periodEnd", "2027-01-01T00:00:00Z");
    assertEquals(
        "Daily News may now charge you up to €5.00 per period (R/2026-12-01T00:00:00Z/P1M) without asking you"
            + " each time. You can change or revoke it at any time.",
        AlertTexts.of("allowance.granted", allowance).body());
    assertEquals("Allowance for Daily News revoked", AlertTexts.of("allowance.revoked", allowance).title());
    assertEquals(
        "Daily News has used all of the €5.00 you allowed for this period, which ends 1 Jan 2027, 00:00 UTC."
            + " Further charges are refused until the next period.",
        AlertTexts.of("allowance.exhausted", allowance).body());
    String refused = AlertTexts.of("charge.failed", charge().put("failureReason", "ALLOWANCE_EXCEEDED")).body();
    assertTrue(refused.contains("it would pass the allowance you gave this merchant"), refused);
    for (String type : new String[] {"allowance.granted", "allowance.revoked", "allowance.exhausted"}) {
      AlertText bare = AlertTexts.of(type, new JsonObject());
      assertFalse(bare.title().contains("null") || bare.body().contains("null"), type + ": " + bare);
    }
  }

  @Test
  void disputesSayWhoMustAnswerByWhenAndHowTheyEnded() {
    JsonObject dispute =
        new JsonObject().put("partnerClientId", "fcl_news").put("merchantName", "Daily News").put("currency", "EUR")
            .put("amountMinor", 400).put("refundedMinor", 0).put("status", "OPEN")
            .put("evidenceDueAt", "2026-12-09T10:00:00Z");
    assertEquals("Dispute opened with Daily News", AlertTexts.of("dispute.opened", dispute).title());
    assertEquals(
        "You disputed a payment of €4.00 to Daily News. Daily News has until 9 Dec 2026, 10:00 UTC to answer; we"
            + " will tell you the outcome.",
        AlertTexts.of("dispute.opened", dispute).body());
    assertEquals("Daily News answered your dispute", AlertTexts.of("dispute.updated", dispute).title());
    AlertText won = AlertTexts.of("dispute.resolved", dispute.copy().put("status", "WON"));
    assertEquals("Dispute decided for Daily News", won.title());
    assertTrue(won.body().contains("the payment stands"), won.body());
    AlertText lost =
        AlertTexts.of("dispute.resolved", dispute.copy().put("status", "LOST").put("refundedMinor", 250)
            .put("resolution", "REVIEWED"));
    assertEquals("Dispute resolved: €2.50 refunded", lost.title());
    assertTrue(lost.body().endsWith("€2.50 is back in your wallet."), lost.body());
    AlertText instant =
        AlertTexts.of("dispute.resolved", dispute.copy().put("status", "LOST").put("refundedMinor", 60)
            .put("resolution", "INSTANT_REFUND"));
    assertTrue(instant.body().startsWith("We refunded €0.60 to your wallet at once"), instant.body());
    AlertText already = AlertTexts.of("dispute.resolved", dispute.copy().put("status", "LOST"));
    assertTrue(already.body().endsWith("the payment had already been refunded."), already.body());
  }
}
