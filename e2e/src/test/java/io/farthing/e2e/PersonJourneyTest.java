package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.e2e.harness.AlertStream;
import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.Http;
import io.farthing.e2e.harness.PartnerWebhooks;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.e2e.harness.Suite;
import io.farthing.e2e.harness.Totp;
import io.farthing.e2e.harness.WebhookReceiver;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesRequest;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.ConfirmChargeRequest;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One person's and one partner's whole journey through the public APIs of the real services:
 * sign-up, TOTP, a top-up, a partner's signed webhooks, a charge the person's own security level
 * makes them confirm with a TOTP step-up, the alert and the webhook it causes, a partial refund, and
 * both monthly statements — each step checked on what it really changed.
 *
 * <p>Amounts (EUR, the partner's plan 0.02 + 2.5 %): top-up 20.00; charge 4.50 (fee 0.13) above the
 * person's STRICT threshold of 3.00; refund 1.50 (fee given back ⌊0.13 × 150 / 450⌋ = 0.04). The
 * wallet goes 20.00 → 15.50 → 17.00; the merchant nets 4.50 − 1.50 − 0.09 = 2.91.
 */
@ExtendWith(E2eExtension.class)
class PersonJourneyTest {
  private static final Duration ALERT_WAIT = Duration.ofSeconds(15);
  private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(20);
  private static final String ZONE = "Europe/Paris";
  private static final long TOP_UP = 2_000;
  private static final long THRESHOLD = 300;
  private static final long AMOUNT = 450;
  private static final long FEE = 2 + 11; // 2 + round_half_up(450 × 250 / 10 000 = 11.25)
  private static final long REFUND = 150;
  private static final long FEE_RETURNED = 4; // ⌊13 × 150 / 450⌋
  private static final long SECOND_AMOUNT = 350;

  private final Platform platform = E2eExtension.suite().platform();
  private final Http http = platform.http();

  @Test
  void aPersonSignsUpTurnsOnTotpPaysAPartnerWithStepUpGetsAlertedAndRefundedAndBothStatementsAgree() {
    long started = System.nanoTime();
    try (PartnerWebhooks webhooks = new PartnerWebhooks(platform);
        WebhookReceiver receiver = WebhookReceiver.start()) {

      // 1. Register and sign in with the password.
      String email = "journey-" + Suite.randomToken(8).toLowerCase() + "@e2e.farthing.test";
      String password = "journey " + Suite.randomToken(20);
      Map<String, Object> registration = Map.of(
          "email", email, "password", password, "displayName", "Ana Journey", "timeZone", ZONE);
      JsonNode registered = http.post(platform.auth() + "/v1/users", null, registration).expect(201).body();
      UUID userId = UUID.fromString(registered.path("id").asText());
      JsonNode firstLogin = login(email, password);
      assertFalse(firstLogin.path("mfaRequired").asBoolean(), firstLogin::toString);
      String passwordOnlyToken = firstLogin.path("accessToken").asText();
      String passwordOnlyRefresh = firstLogin.path("refreshToken").asText();
      assertFalse(passwordOnlyToken.isBlank(), "the password alone signs in before TOTP");
      JsonNode me = http.get(platform.auth() + "/v1/me", passwordOnlyToken).expect(200).body();
      assertEquals(userId.toString(), me.path("id").asText());
      assertEquals(email, me.path("email").asText());
      assertEquals(ZONE, me.path("timeZone").asText());

      // 2. Enrol TOTP: the password is required, the otpauth URI carries the secret; a first code
      //    confirms it and ends the password-only sessions; sign-in then needs a code.
      Http.Reply noPassword = http.post(platform.auth() + "/v1/me/totp", passwordOnlyToken,
          Map.of("password", "not the password at all"));
      assertEquals(403, noPassword.status(), noPassword.raw());
      assertEquals("INVALID_CREDENTIALS", noPassword.reason());
      JsonNode enrolment = http.post(platform.auth() + "/v1/me/totp", passwordOnlyToken, Map.of("password", password))
          .expect(201).body();
      String otpauth = enrolment.path("otpauthUri").asText();
      Totp totp = Totp.fromUri(otpauth);
      assertEquals(email, totp.account(), otpauth);
      assertEquals("Farthing", totp.issuer(), otpauth);
      assertTrue(otpauth.contains("secret=" + enrolment.path("secret").asText()), otpauth);
      assertTrue(http.get(platform.auth() + "/v1/me/totp", passwordOnlyToken).expect(200).body().path("pending").asBoolean());

      Http.Reply badConfirm = http.post(platform.auth() + "/v1/me/totp/confirm", passwordOnlyToken,
          Map.of("code", totp.wrong()));
      assertEquals("INVALID_OTP", badConfirm.reason(), badConfirm.raw());
      JsonNode confirmed = http.post(platform.auth() + "/v1/me/totp/confirm", passwordOnlyToken,
          Map.of("code", totp.next().value())).expect(200).body();
      assertTrue(confirmed.path("enabled").asBoolean(), confirmed::toString);
      assertEquals(10, confirmed.path("recoveryCodes").size(), confirmed::toString);
      Http.Reply staleRefresh = http.post(platform.auth() + "/v1/auth/refresh", null,
          Map.of("refreshToken", passwordOnlyRefresh));
      assertEquals(401, staleRefresh.status(), "confirming TOTP ended the password-only session: " + staleRefresh.raw());
      assertEquals("INVALID_REFRESH_TOKEN", staleRefresh.reason());

      JsonNode challengeLogin = login(email, password);
      assertTrue(challengeLogin.path("mfaRequired").asBoolean(), challengeLogin::toString);
      assertTrue(challengeLogin.path("accessToken").isMissingNode(), "no token without the second factor");
      assertTrue(challengeLogin.path("methods").toString().contains("totp"), challengeLogin::toString);
      String mfaToken = challengeLogin.path("mfaToken").asText();
      Http.Reply wrongMfa = http.post(platform.auth() + "/v1/auth/login/mfa", null,
          Map.of("mfaToken", mfaToken, "code", totp.wrong()));
      assertEquals(401, wrongMfa.status(), wrongMfa.raw());
      assertEquals("INVALID_OTP", wrongMfa.reason());
      Totp.Code signInCode = totp.next();
      JsonNode session = http.post(platform.auth() + "/v1/auth/login/mfa", null,
          Map.of("mfaToken", mfaToken, "code", signInCode.value())).expect(200).body();
      User user = new User(userId, email, password, session.path("accessToken").asText());
      assertFalse(user.token().isBlank(), session::toString);

      try (AlertStream alerts = AlertStream.open(platform.notifySvc(), user.token())) {
        // 3. Top up the EUR wallet with the sandbox card.
        JsonNode topUp = platform.topUp(user, TOP_UP, 0);
        assertEquals(TOP_UP, topUp.path("amountMinor").asLong());
        assertEquals(TOP_UP, balanceOnBothInstances(user), "the top-up is in the wallet");
        assertNotNull(alerts.await(a -> "topup.succeeded".equals(a.path("type").asText())
                && topUp.path("id").asText().equals(a.path("data").path("topUpId").asText(a.path("data").path("id").asText())),
            ALERT_WAIT), () -> "no topup.succeeded alert; received " + alerts.received());

        // 4. A partner registers a webhook endpoint (gRPC, notify-svc) pointing at its receiver.
        Partner partner = webhooks.newPartner("journey", "games");
        CreateWebhookEndpointResponse endpoint = webhooks.api(partner).createEndpoint(
            CreateWebhookEndpointRequest.newBuilder()
                .setUrl(receiver.url())
                .addEventTypes("charge.requires_action")
                .addEventTypes("charge.succeeded")
                .addEventTypes("charge.refunded")
                .setDescription("e2e journey receiver")
                .build());
        assertTrue(endpoint.getEndpoint().getEnabled());
        assertEquals(receiver.url(), endpoint.getEndpoint().getUrl());
        assertTrue(endpoint.getSigningSecret().startsWith("whsec_"), "a Standard Webhooks secret");
        receiver.trust(endpoint.getSigningSecret());
        showTheReceiverRejectsWhatIsNotSignedWithTheSecret(receiver, endpoint.getSigningSecret());

        // 5. The person consents to the partner and makes 3.00 or more need a step-up; the
        //    partner's 4.50 charge then waits for the person, and no money has moved.
        platform.consent(user, partner, 1_000);
        Map<String, Object> strict = new LinkedHashMap<>();
        strict.put("level", "STRICT");
        strict.put("strictThreshold", Map.of("amountMinor", THRESHOLD, "currency", Platform.EUR));
        JsonNode level = http.put(platform.auth() + "/v1/me/security-level", user.token(), strict).expect(200).body();
        assertEquals("STRICT", level.path("level").asText(), level::toString);
        assertEquals(THRESHOLD, level.path("strictThreshold").path("amountMinor").asLong(), level::toString);

        Charge waiting = createCharge(partner, user, AMOUNT, "Season pass", 0);
        String chargeId = waiting.getChargeId();
        assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, waiting.getStatus(), waiting::toString);
        assertFalse(waiting.getChallengeId().isBlank(), "a REQUIRES_ACTION charge names its challenge");
        assertEquals(0, waiting.getCaptured().getAmountMinor());
        assertEquals(TOP_UP, balanceOnBothInstances(user), "nothing moves before the person confirms");
        JsonNode ownView = http.get(platform.payments(1) + "/v1/charges/" + chargeId, user.token()).expect(200).body();
        assertEquals("REQUIRES_ACTION", ownView.path("status").asText(), ownView::toString);
        assertEquals(waiting.getChallengeId(), ownView.path("challengeId").asText(), ownView::toString);

        // 6. The person sees what the challenge is for and answers it: a wrong code and an already
        //    spent one are refused, a fresh one gives a step-up token.
        String challengeUrl = platform.auth() + "/v1/me/challenges/" + waiting.getChallengeId();
        JsonNode challenge = http.get(challengeUrl, user.token()).expect(200).body();
        assertEquals("charge:" + chargeId, challenge.path("purpose").asText(), challenge::toString);
        assertEquals(AMOUNT, challenge.path("amount").path("amountMinor").asLong(), challenge::toString);
        assertEquals(Platform.EUR, challenge.path("amount").path("currency").asText());
        assertTrue(challenge.path("allowedMethods").toString().contains("\"totp\""), challenge::toString);
        assertEquals("PENDING", challenge.path("status").asText());

        Http.Reply wrong = http.post(challengeUrl + "/verify", user.token(), Map.of("method", "totp", "code", totp.wrong()));
        assertEquals(403, wrong.status(), wrong.raw());
        assertEquals("INVALID_PROOF", wrong.reason());
        Http.Reply replayed = http.post(challengeUrl + "/verify", user.token(),
            Map.of("method", "totp", "code", signInCode.value()));
        assertEquals(403, replayed.status(), "the code that signed in is spent: " + replayed.raw());
        assertEquals("INVALID_PROOF", replayed.reason());
        assertNotNull(alerts.await(a -> "security.step_up_failed".equals(a.path("type").asText())
                && waiting.getChallengeId().equals(a.path("data").path("challengeId").asText()), ALERT_WAIT),
            () -> "no security.step_up_failed alert; received " + alerts.received());

        JsonNode verified = http.post(challengeUrl + "/verify", user.token(),
            Map.of("method", "totp", "code", totp.next().value())).expect(200).body();
        String stepUpToken = verified.path("stepUpToken").asText();
        assertFalse(stepUpToken.isBlank(), verified::toString);
        assertEquals("VERIFIED", http.get(challengeUrl, user.token()).expect(200).body().path("status").asText());

        // 7. The partner confirms with the token (on the other instance): SUCCEEDED, the wallet
        //    falls by exactly the amount; a retry replays it; the token moves nothing else.
        String confirmKey = "journey-confirm-" + UUID.randomUUID();
        Charge succeeded = platform.partnerApi(partner, 1).confirmCharge(confirm(confirmKey, chargeId, stepUpToken));
        assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, succeeded.getStatus(), succeeded::toString);
        assertEquals(AMOUNT, succeeded.getCaptured().getAmountMinor());
        assertEquals(FEE, succeeded.getFee().getAmountMinor());
        assertEquals(AMOUNT - FEE, succeeded.getNet().getAmountMinor());
        assertEquals(TOP_UP - AMOUNT, balanceOnBothInstances(user), "the wallet fell by exactly the amount");

        Charge replay = platform.partnerApi(partner, 0).confirmCharge(confirm(confirmKey, chargeId, stepUpToken));
        assertEquals(succeeded, replay, "the same key replays the first answer");
        Grpc.Outcome<Charge> again = Grpc.attempt(() -> platform.partnerApi(partner, 0)
            .confirmCharge(confirm("journey-confirm-" + UUID.randomUUID(), chargeId, stepUpToken)));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.code(), again::toString);
        assertEquals("CHARGE_INVALID_STATE", again.reason());

        Charge other = createCharge(partner, user, SECOND_AMOUNT, "Another pass", 1);
        assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, other.getStatus(), other::toString);
        assertNotEquals(waiting.getChallengeId(), other.getChallengeId());
        Grpc.Outcome<Charge> borrowed = Grpc.attempt(() -> platform.partnerApi(partner, 1)
            .confirmCharge(confirm("journey-confirm-" + UUID.randomUUID(), other.getChargeId(), stepUpToken)));
        assertEquals(Status.Code.PERMISSION_DENIED, borrowed.code(), borrowed::toString);
        assertEquals("PURPOSE_MISMATCH", borrowed.reason());
        assertEquals(ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION, getCharge(partner, other.getChargeId()).getStatus());
        assertEquals(TOP_UP - AMOUNT, balanceOnBothInstances(user), "a refused token moves no money");

        // 8. The person's stream shows the request to confirm, then the payment.
        JsonNode asked = alerts.alertFor("charge.requires_action", chargeId, ALERT_WAIT);
        assertNotNull(asked, () -> "no charge.requires_action alert; received " + alerts.received());
        JsonNode paid = alerts.alertFor("charge.succeeded", chargeId, ALERT_WAIT);
        assertNotNull(paid, () -> "no charge.succeeded alert; received " + alerts.received());
        assertEquals(AMOUNT, paid.path("data").path("amountMinor").asLong(), paid::toString);
        assertEquals(FEE, paid.path("data").path("feeMinor").asLong(), paid::toString);
        assertEquals(Platform.EUR, paid.path("data").path("currency").asText());
        assertTrue(paid.path("body").asText().contains("€4.50"), paid::toString);
        String merchantName = paid.path("data").path("merchantName").asText();
        assertTrue(!merchantName.isBlank() && paid.path("title").asText().contains(merchantName), paid::toString);

        // 9. The partner's receiver got both events of the charge, in order, verifiably signed.
        WebhookReceiver.Delivery askedHook = receiver.await("charge.requires_action", chargeId, WEBHOOK_WAIT);
        assertNotNull(askedHook, () -> "no charge.requires_action webhook; received " + receiver.deliveries());
        WebhookReceiver.Delivery paidHook = receiver.await("charge.succeeded", chargeId, WEBHOOK_WAIT);
        assertNotNull(paidHook, () -> "no charge.succeeded webhook; received " + receiver.deliveries());
        assertTrue(receiver.deliveries().indexOf(askedHook) < receiver.deliveries().indexOf(paidHook),
            "one charge's webhooks arrive in event order");
        assertEquals(paid.path("eventId").asText(), paidHook.webhookId(), "the webhook and the alert are one event");
        JsonNode hookData = paidHook.data();
        assertEquals(AMOUNT, hookData.path("amountMinor").asLong(), hookData::toString);
        assertEquals(Platform.EUR, hookData.path("currency").asText());
        assertEquals(FEE, hookData.path("feeMinor").asLong());
        assertEquals(AMOUNT - FEE, hookData.path("netMinor").asLong());
        assertEquals(partner.clientId(), hookData.path("partnerClientId").asText());
        assertEquals(userId.toString(), hookData.path("userId").asText());
        assertEquals("SUCCEEDED", hookData.path("status").asText());
        WebhookDelivery logged = deliveredInTheLog(webhooks, partner, endpoint.getEndpoint().getEndpointId(), paidHook.webhookId());
        assertEquals("charge.succeeded", logged.getEventType());
        assertEquals(204, logged.getAttempts(logged.getAttemptsCount() - 1).getHttpStatus(), logged::toString);

        // 10. A partial refund: back in the wallet at once, alerted and webhooked.
        Refund refund = platform.partnerApi(partner, 0).refundCharge(RefundChargeRequest.newBuilder()
            .setIdempotencyKey("journey-refund-" + UUID.randomUUID())
            .setChargeId(chargeId)
            .setAmount(eur(REFUND))
            .setReason("One level was never delivered")
            .build());
        assertEquals(REFUND, refund.getAmount().getAmountMinor());
        assertEquals(FEE_RETURNED, refund.getFeeReturned().getAmountMinor());
        Charge refunded = getCharge(partner, chargeId);
        assertEquals(ChargeStatus.CHARGE_STATUS_PARTIALLY_REFUNDED, refunded.getStatus());
        assertEquals(REFUND, refunded.getRefunded().getAmountMinor());
        assertEquals(TOP_UP - AMOUNT + REFUND, balanceOnBothInstances(user), "the refund is back at once");

        JsonNode refundAlert = alerts.alertFor("charge.refunded", chargeId, ALERT_WAIT);
        assertNotNull(refundAlert, () -> "no charge.refunded alert; received " + alerts.received());
        assertEquals(REFUND, refundAlert.path("data").path("refundMinor").asLong(), refundAlert::toString);
        assertEquals(refund.getRefundId(), refundAlert.path("data").path("refundId").asText());
        assertTrue(refundAlert.path("body").asText().contains("€1.50"), refundAlert::toString);
        WebhookReceiver.Delivery refundHook = receiver.await("charge.refunded", chargeId, WEBHOOK_WAIT);
        assertNotNull(refundHook, () -> "no charge.refunded webhook; received " + receiver.deliveries());
        assertEquals(refund.getRefundId(), refundHook.data().path("refundId").asText());
        assertEquals(REFUND, refundHook.data().path("refundMinor").asLong());
        assertEquals(FEE_RETURNED, refundHook.data().path("feeReturnedMinor").asLong());
        assertEquals("PARTIALLY_REFUNDED", refundHook.data().path("status").asText());
        assertEquals(refundAlert.path("eventId").asText(), refundHook.webhookId());

        // 11. Both statements: the person's month (in their zone) and the merchant's (UTC).
        long balance = TOP_UP - AMOUNT + REFUND;
        JsonNode statement = http.get(platform.payments(0) + "/v1/statements/" + YearMonth.now(ZoneId.of(ZONE))
            + "?currency=EUR", user.token()).expect(200).body();
        assertEquals(ZONE, statement.path("timeZone").asText(), statement::toString);
        assertEquals(0, statement.path("openingBalanceMinor").asLong(), statement::toString);
        assertEquals(balance, statement.path("closingBalanceMinor").asLong(), statement::toString);
        JsonNode totals = statement.path("totals");
        assertEquals(TOP_UP + REFUND, totals.path("moneyInMinor").asLong(), statement::toString);
        assertEquals(AMOUNT, totals.path("moneyOutMinor").asLong(), statement::toString);
        assertEquals(balance, totals.path("netMinor").asLong(), statement::toString);
        assertEquals(3, totals.path("movements").asLong(), "the waiting charge moved nothing: " + statement);
        List<String> movements = new ArrayList<>();
        for (JsonNode m : statement.path("movements")) {
          movements.add(m.path("kind").asText() + " " + m.path("amountMinor").asLong() + " " + m.path("chargeId").asText(""));
        }
        assertEquals(List.of("TOP_UP " + TOP_UP + " ", "CHARGE_CAPTURE " + -AMOUNT + " " + chargeId,
            "REFUND " + REFUND + " " + chargeId), movements, statement::toString);
        JsonNode last = statement.path("movements").get(2);
        assertEquals(refund.getRefundId(), last.path("refundId").asText());
        assertEquals(balance, last.path("balanceAfterMinor").asLong());

        JsonNode merchant = http.get(platform.payments(1) + "/partner/v1/statements/" + YearMonth.now(ZoneOffset.UTC)
            + "?currency=EUR", partner.token()).expect(200).body();
        JsonNode mt = merchant.path("totals");
        assertEquals(partner.clientId(), merchant.path("partnerClientId").asText(), merchant::toString);
        assertEquals(AMOUNT, mt.path("grossChargedMinor").asLong(), merchant::toString);
        assertEquals(REFUND, mt.path("refundsMinor").asLong(), merchant::toString);
        assertEquals(FEE - FEE_RETURNED, mt.path("feesMinor").asLong(), merchant::toString);
        assertEquals(AMOUNT - REFUND - (FEE - FEE_RETURNED), mt.path("netMinor").asLong(), merchant::toString);
        assertEquals(1, mt.path("charges").asLong());
        assertEquals(1, mt.path("refunds").asLong());
        assertEquals(AMOUNT - REFUND - (FEE - FEE_RETURNED), merchant.path("closingBalanceMinor").asLong());
        List<String> lines = new ArrayList<>();
        for (JsonNode l : merchant.path("lines")) {
          lines.add(l.path("type").asText() + " " + l.path("chargeId").asText() + " " + l.path("amountMinor").asLong()
              + " " + l.path("feeMinor").asLong());
        }
        assertEquals(List.of("CHARGE " + chargeId + " " + AMOUNT + " " + FEE,
            "REFUND " + chargeId + " " + -REFUND + " " + -FEE_RETURNED), lines, merchant::toString);
      }
      assertTrue(receiver.rejected().stream().allMatch(d -> d.webhookId() != null && d.webhookId().startsWith("forged-")),
          () -> "notify-svc sent a delivery the receiver could not verify: " + receiver.rejected());
    }
    System.out.printf("[e2e] person journey (sign-up to statements): %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /**
   * The receiver's verification can fail: a request the test signs with the endpoint's secret is
   * accepted, while a signature under another secret, a body changed after signing and a stale
   * timestamp are each answered 401 and kept as rejected with why.
   */
  private static void showTheReceiverRejectsWhatIsNotSignedWithTheSecret(WebhookReceiver receiver, String signingSecret) {
    byte[] secret = Base64.getDecoder().decode(signingSecret.substring("whsec_".length()));
    byte[] body = "{\"type\":\"charge.succeeded\",\"data\":{\"chargeId\":\"forged\",\"amountMinor\":100000}}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] altered = new String(body, StandardCharsets.UTF_8).replace("100000", "900000").getBytes(StandardCharsets.UTF_8);
    String now = Long.toString(Instant.now().getEpochSecond());
    String stale = Long.toString(Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond());
    byte[] otherSecret = new byte[32];

    assertEquals(204, receiver.post(headers("selfsigned-1", now, sign(secret, "selfsigned-1", now, body)), body),
        "a request signed with the endpoint's secret verifies");
    assertEquals(401, receiver.post(headers("forged-1", now, sign(otherSecret, "forged-1", now, body)), body),
        "a signature under another secret is rejected");
    assertEquals(401, receiver.post(headers("forged-2", now, sign(secret, "forged-2", now, body)), altered),
        "a body changed after signing is rejected");
    assertEquals(401, receiver.post(headers("forged-3", stale, sign(secret, "forged-3", stale, body)), body),
        "a timestamp 6 minutes old is rejected");
    List<String> why = receiver.rejected().stream().map(d -> d.webhookId() + ": " + d.problem()).toList();
    assertEquals(List.of(
        "forged-1: no v1 signature matches",
        "forged-2: no v1 signature matches",
        "forged-3: webhook-timestamp is more than 5 minutes from now"), why);
  }

  private static Map<String, String> headers(String id, String timestamp, String signature) {
    return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature);
  }

  private static String sign(byte[] secret, String id, String timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(WebhookReceiver.hmac(secret, id, timestamp, body));
  }

  private JsonNode login(String email, String password) {
    return http.post(platform.auth() + "/v1/auth/login", null, Map.of("email", email, "password", password))
        .expect(200).body();
  }

  /** The EUR balance, the same on both payments-svc instances. */
  private long balanceOnBothInstances(User user) {
    long a = platform.balance(user, 0);
    long b = platform.balance(user, 1);
    assertEquals(a, b, "both instances read one ledger");
    return a;
  }

  private Charge createCharge(Partner partner, User user, long amountMinor, String description, int instance) {
    return platform.partnerApi(partner, instance).createCharge(CreateChargeRequest.newBuilder()
        .setIdempotencyKey("journey-charge-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(amountMinor))
        .setDescription(description)
        .build());
  }

  private Charge getCharge(Partner partner, String chargeId) {
    return platform.partnerApi(partner, 0).getCharge(GetChargeRequest.newBuilder().setChargeId(chargeId).build());
  }

  private static ConfirmChargeRequest confirm(String key, String chargeId, String stepUpToken) {
    return ConfirmChargeRequest.newBuilder()
        .setIdempotencyKey(key)
        .setChargeId(chargeId)
        .setStepUpToken(stepUpToken)
        .build();
  }

  /** The endpoint's delivery log entry for {@code webhookId}, once notify-svc recorded it DELIVERED. */
  private static WebhookDelivery deliveredInTheLog(
      PartnerWebhooks webhooks, Partner partner, String endpointId, String webhookId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    WebhookDelivery found = null;
    while (System.nanoTime() < deadline) {
      for (WebhookDelivery d : webhooks.api(partner).listDeliveries(
          ListWebhookDeliveriesRequest.newBuilder().setEndpointId(endpointId).setPageSize(100).build()).getDeliveriesList()) {
        if (d.getWebhookId().equals(webhookId)) {
          found = d;
        }
      }
      if (found != null && found.getStatus() == WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the delivery log never showed " + webhookId + " DELIVERED: " + found);
  }
}
