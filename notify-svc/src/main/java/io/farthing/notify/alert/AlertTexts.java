package io.farthing.notify.alert;

import io.farthing.notify.event.EventTypes;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The words of every alert, from the event's data as its publisher wrote it. Amounts are read
 * with {@link JsonObject#getLong} and shown with {@link Money}. A field a publisher did not send
 * is left out of the sentence rather than shown as "null".
 */
public final class AlertTexts {
  private static final Map<String, String> LIMITS =
      Map.of(
          "USER_DAILY_CAP", "your daily cap",
          "USER_MONTHLY_CAP", "your monthly cap",
          "KYC_DAILY", "your account's daily limit",
          "KYC_MONTHLY", "your account's monthly limit",
          "KYC_PER_TRANSACTION", "your account's per-payment limit",
          "WALLET_MAX", "your wallet's maximum balance");
  private static final Map<String, String> REASONS =
      Map.ofEntries(
          Map.entry("INSUFFICIENT_FUNDS", "there is not enough money in your wallet"),
          Map.entry("LIMIT_EXCEEDED", "it would pass one of your limits"),
          Map.entry("RISK_DENIED", "it was declined for your protection"),
          Map.entry("CHALLENGE_FAILED", "it was not confirmed"),
          Map.entry("CHALLENGE_EXPIRED", "it was not confirmed in time"),
          Map.entry("TOPUP_DECLINED", "your bank declined it"),
          Map.entry("GATEWAY_TIMEOUT", "your bank did not answer in time"),
          Map.entry("WALLET_MAX", "it would pass your wallet's maximum balance"),
          Map.entry("ALLOWANCE_EXCEEDED", "it would pass the allowance you gave this merchant"));
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private AlertTexts() {}

  public static AlertText of(String type, JsonObject data) {
    return switch (type) {
      case EventTypes.CHARGE_SUCCEEDED -> chargeSucceeded(data);
      case EventTypes.CHARGE_AUTHORIZED ->
          new AlertText(
              money(data, paidMinor(data)) + " held for " + merchant(data),
              "We are holding " + money(data, "amountMinor") + " for " + merchant(data)
                  + describe(data) + ". It is taken when " + merchant(data) + " completes the payment, or released.");
      case EventTypes.CHARGE_REFUNDED -> chargeRefunded(data);
      case EventTypes.CHARGE_FAILED ->
          new AlertText(
              "Payment to " + merchant(data) + " declined",
              "Your payment of " + money(data, "amountMinor") + " to " + merchant(data)
                  + " did not go through" + because(data.getString("failureReason")) + ". Nothing was taken.");
      case EventTypes.CHARGE_REQUIRES_ACTION ->
          new AlertText(
              "Confirm your payment to " + merchant(data),
              merchant(data) + " asks you to confirm a payment of " + money(data, "amountMinor")
                  + describe(data) + ". Open Farthing to approve or decline it.");
      case EventTypes.CHARGE_VOIDED ->
          new AlertText(
              "Hold released: " + merchant(data),
              "The " + money(data, "amountMinor") + " held for " + merchant(data)
                  + " was released. Nothing was taken.");
      case EventTypes.CHARGE_EXPIRED ->
          new AlertText(
              "Hold expired: " + merchant(data),
              "The " + money(data, "amountMinor") + " held for " + merchant(data)
                  + " expired and was released. Nothing was taken.");
      case EventTypes.TRANSFER_RECEIVED ->
          new AlertText(
              "You received " + money(data, "amountMinor"),
              "Another Farthing user sent you " + money(data, "amountMinor") + note(data) + ".");
      case EventTypes.TRANSFER_SENT ->
          new AlertText(
              "You sent " + money(data, "amountMinor"),
              "You sent " + money(data, "amountMinor") + " to another Farthing user" + note(data)
                  + ".");
      case EventTypes.TOPUP_SUCCEEDED ->
          new AlertText(
              "Top-up of " + money(data, "amountMinor") + " added",
              money(data, "amountMinor") + " was added to your wallet.");
      case EventTypes.TOPUP_FAILED ->
          new AlertText(
              "Top-up of " + money(data, "amountMinor") + " failed",
              "Your top-up of " + money(data, "amountMinor") + " did not go through"
                  + because(first(data.getString("failureReason"), data.getString("declineCode")))
                  + ". Your wallet was not changed.");
      case EventTypes.LOYALTY_REDEEMED ->
          new AlertText(
              money(data, "amountMinor") + " of points added to your wallet",
              "You turned " + money(data, "amountMinor") + " of loyalty points into wallet credit.");
      case EventTypes.LIMIT_REACHED -> limitReached(data);
      case EventTypes.LIMIT_CHANGED -> limitChanged(data);
      case EventTypes.SECURITY_NEW_DEVICE ->
          new AlertText(
              "New sign-in to your account",
              "Your account was signed in from a device you have not used before" + device(data)
                  + ". If this was not you, change your password and remove the device now.");
      case EventTypes.SECURITY_LOCKED_OUT ->
          new AlertText(
              "Your account is locked",
              "Too many failed sign-in attempts locked your account for a while. If this was not you,"
                  + " change your password as soon as you can sign in.");
      case EventTypes.SECURITY_STEP_UP_FAILED ->
          new AlertText(
              "A confirmation on your account failed",
              "Someone answered a confirmation request on your account wrongly. If this was not you, change"
                  + " your password and check your devices.");
      case EventTypes.ALLOWANCE_GRANTED ->
          new AlertText(
              "Allowance for " + merchant(data) + " set",
              merchant(data) + " may now charge you up to " + money(data, "limitMinor")
                  + " per period" + interval(data) + " without asking you each time."
                  + " You can change or revoke it at any time.");
      case EventTypes.ALLOWANCE_REVOKED ->
          new AlertText(
              "Allowance for " + merchant(data) + " revoked",
              merchant(data) + " can no longer charge you under the allowance of "
                  + money(data, "limitMinor") + " per period.");
      case EventTypes.ALLOWANCE_EXHAUSTED ->
          new AlertText(
              "Allowance for " + merchant(data) + " used up",
              merchant(data) + " has used all of the " + money(data, "limitMinor")
                  + " you allowed for this period" + until(data.getString("periodEnd"))
                  + ". Further charges are refused until the next period.");
      case EventTypes.WEBHOOK_ENDPOINT_DISABLED ->
          new AlertText("A webhook endpoint was disabled", "A webhook endpoint failed persistently and was disabled.");
      // Settlement events carry no user_id, so no user ever gets these alerts (AlertSink skips
      // events without one); the texts exist so every known type has words, as for webhooks above.
      case EventTypes.SETTLEMENT_CLOSED ->
          new AlertText(
              "Settlement window closed",
              data.getBoolean("carriedForward", false)
                  ? "A settlement window closed with nothing to pay out; its net of "
                      + money(data, "netMinor") + " is carried to the next window."
                  : "A settlement window closed; " + money(data, "payoutMinor") + " will be paid out.");
      case EventTypes.PAYOUT_SETTLED ->
          new AlertText(
              "Payout of " + money(data, "payoutMinor") + " sent",
              money(data, "payoutMinor") + " was paid out for a settlement window.");
      case EventTypes.PAYOUT_FAILED ->
          new AlertText(
              "Payout of " + money(data, "payoutMinor") + " failed",
              "A payout of " + money(data, "payoutMinor") + " did not go through"
                  + because(data.getString("failureReason")) + ". It is retried.");
      case EventTypes.TAB_OPENED ->
          new AlertText(
              "Tab opened with " + merchant(data),
              merchant(data) + " opened a tab" + describe(data) + " of up to "
                  + money(data, "capMinor") + ". That much is held in your wallet until the tab"
                  + " closes; only what you use is taken.");
      case EventTypes.TAB_SETTLED ->
          new AlertText(
              "You paid " + money(data, "amountMinor") + " to " + merchant(data),
              "You paid " + money(data, "amountMinor") + " from your tab with " + merchant(data)
                  + describe(data) + ". Used so far: " + money(data, "settledMinor") + " of "
                  + money(data, "capMinor") + ".");
      case EventTypes.DISPUTE_OPENED ->
          new AlertText(
              "Dispute opened with " + merchant(data),
              "You disputed a payment of " + money(data, "amountMinor") + " to " + merchant(data) + ". "
                  + merchant(data) + " has until " + orLater(formatted(data.getString("evidenceDueAt")))
                  + " to answer; we will tell you the outcome.");
      case EventTypes.DISPUTE_UPDATED ->
          new AlertText(
              merchant(data) + " answered your dispute",
              merchant(data) + " sent its side of your dispute about " + money(data, "amountMinor")
                  + ". Our support team will review it and decide.");
      case EventTypes.DISPUTE_RESOLVED -> disputeResolved(data);
      case EventTypes.TAB_CLOSED ->
          new AlertText(
              "Tab closed with " + merchant(data),
              "Your tab with " + merchant(data) + describe(data) + " closed. You paid "
                  + money(data, "settledMinor") + " in all; "
                  + money(data, "releasedMinor") + " was released back to your wallet.");
      default ->
          EventTypes.isSecurity(type)
              ? new AlertText("Security alert", "Something security-relevant happened on your account. Check your"
                  + " devices and recent activity.")
              : new AlertText("Account activity", "There was new activity on your account.");
    };
  }

  private static AlertText chargeSucceeded(JsonObject data) {
    String paid = money(data, paidMinor(data));
    StringBuilder body = new StringBuilder("You paid ").append(paid).append(" to ").append(merchant(data));
    body.append(describe(data)).append('.');
    Long fee = data.getLong("feeMinor");
    if (fee != null) {
      body.append(" Fee included: ").append(money(data, fee)).append('.');
    }
    Long capLeft = data.getLong("dailyCapRemainingMinor");
    if (capLeft != null) {
      body.append(" Left of your daily cap today: ").append(money(data, capLeft)).append('.');
    } else {
      body.append(" You have no daily cap set.");
    }
    return new AlertText("You paid " + paid + " to " + merchant(data), body.toString());
  }

  private static AlertText chargeRefunded(JsonObject data) {
    long refund = data.getLong("refundMinor", data.getLong("refundedMinor", 0L));
    if ("undo".equals(data.getString("reason"))) {
      return new AlertText(
          "Payment to " + merchant(data) + " undone",
          "You undid your payment to " + merchant(data) + describe(data) + ". " + money(data, refund)
              + " is back in your wallet.");
    }
    String body =
        merchant(data) + " refunded " + money(data, refund) + " of your " + money(data, paidMinor(data)) + " payment"
            + describe(data) + ". It is back in your wallet.";
    return new AlertText("Refund of " + money(data, refund) + " from " + merchant(data), body);
  }

  private static AlertText limitReached(JsonObject data) {
    String limit = LIMITS.getOrDefault(String.valueOf(data.getString("limit")), "one of your limits");
    StringBuilder body = new StringBuilder();
    Long attempted = data.getLong("attemptedMinor");
    body.append(attempted == null ? "A payment" : "A payment of " + money(data, attempted));
    body.append(" was refused: it would pass ").append(limit);
    Long limitMinor = data.getLong("limitMinor");
    if (limitMinor != null) {
      body.append(" of ").append(money(data, limitMinor));
    }
    body.append('.');
    return new AlertText("Spending limit reached", body.toString());
  }

  private static AlertText limitChanged(JsonObject data) {
    if ("KYC_TIER".equals(data.getString("change"))) {
      return new AlertText(
          "Your account limits changed",
          "Your account moved to tier " + data.getValue("kycTier") + ", which changes your account's limits.");
    }
    StringBuilder body = new StringBuilder();
    if (data.getString("currency") != null) {
      body.append("Daily cap: ").append(cap(data, data.getLong("dailyCapMinor")));
      body.append(". Monthly cap: ").append(cap(data, data.getLong("monthlyCapMinor"))).append('.');
    }
    JsonObject pending = data.getJsonObject("pending");
    if (pending != null) {
      body.append(" A raise");
      if (pending.getLong("dailyCapMinor") != null) {
        body.append(" of the daily cap to ").append(money(data, pending.getLong("dailyCapMinor")));
      }
      if (pending.getLong("monthlyCapMinor") != null) {
        body.append(pending.getLong("dailyCapMinor") != null ? " and" : "")
            .append(" of the monthly cap to ").append(money(data, pending.getLong("monthlyCapMinor")));
      }
      body.append(" takes effect ").append(when(pending.getString("effectiveAt"))).append('.');
    }
    return new AlertText("Your spending caps changed", body.toString().trim());
  }

  private static String cap(JsonObject data, Long capMinor) {
    return capMinor == null ? "none" : money(data, capMinor);
  }

  /** What the user paid: the captured amount once captured, else the charge's amount. */
  private static long paidMinor(JsonObject data) {
    Long captured = data.getLong("capturedMinor");
    return captured != null && captured > 0 ? captured : data.getLong("amountMinor", 0L);
  }

  private static String interval(JsonObject data) {
    String interval = data.getString("interval");
    return interval == null || interval.isBlank() ? "" : " (" + interval + ")";
  }

  private static String until(String periodEnd) {
    String end = formatted(periodEnd);
    return end == null ? "" : ", which ends " + end;
  }

  private static AlertText disputeResolved(JsonObject data) {
    if ("WON".equals(data.getString("status"))) {
      return new AlertText(
          "Dispute decided for " + merchant(data),
          "After review, your dispute of " + money(data, "amountMinor") + " paid to " + merchant(data)
              + " was decided in the merchant's favour: the payment stands. Contact support if you have more to add.");
    }
    long refunded = data.getLong("refundedMinor", 0L);
    if (refunded == 0) {
      return new AlertText(
          "Dispute decided for you",
          "Your dispute of a payment to " + merchant(data)
              + " was decided in your favour; the payment had already been refunded.");
    }
    String body =
        "INSTANT_REFUND".equals(data.getString("resolution"))
            ? "We refunded " + money(data, refunded) + " to your wallet at once for your dispute of a payment to "
                + merchant(data) + "."
            : "Your dispute of a payment to " + merchant(data) + " was decided in your favour: "
                + money(data, refunded) + " is back in your wallet.";
    return new AlertText("Dispute resolved: " + money(data, refunded) + " refunded", body);
  }

  private static String orLater(String at) {
    return at == null ? "the due date" : at;
  }

  private static String merchant(JsonObject data) {
    String name = data.getString("merchantName");
    if (name != null && !name.isBlank()) {
      return name;
    }
    String partner = data.getString("partnerClientId");
    return partner == null || partner.isBlank() ? "a merchant" : partner;
  }

  private static String money(JsonObject data, long amountMinor) {
    return Money.format(amountMinor, data.getString("currency", "EUR"));
  }

  /** The amount in {@code field} of the event (0 when absent), in the event's currency. */
  private static String money(JsonObject data, String field) {
    return money(data, data.getLong(field, 0L));
  }

  private static String describe(JsonObject data) {
    String description = data.getString("description");
    return description == null || description.isBlank() ? "" : " for \u201c" + description + "\u201d";
  }

  private static String note(JsonObject data) {
    String note = data.getString("note");
    return note == null || note.isBlank() ? "" : " with the note \u201c" + note + "\u201d";
  }

  private static String device(JsonObject data) {
    String name = first(data.getString("deviceName"), data.getString("device"));
    return name == null ? "" : " (" + name + ")";
  }

  private static String because(String reason) {
    if (reason == null || reason.isBlank()) {
      return "";
    }
    String known = REASONS.get(reason);
    return ": " + (known != null ? known : reason.toLowerCase(Locale.ROOT).replace('_', ' '));
  }

  private static String when(String instant) {
    String at = formatted(instant);
    return at == null ? "later" : "on " + at;
  }

  /** An ISO-8601 instant as people read it, or null when there is none or it does not parse. */
  private static String formatted(String instant) {
    if (instant == null) {
      return null;
    }
    try {
      return WHEN.format(Instant.parse(instant));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : (b != null && !b.isBlank() ? b : null);
  }
}
