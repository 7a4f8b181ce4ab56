package io.farthing.e2e;

import static io.farthing.e2e.harness.Grpc.eur;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.farthing.e2e.harness.E2eExtension;
import io.farthing.e2e.harness.Grpc;
import io.farthing.e2e.harness.Platform;
import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.e2e.harness.Platform.User;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.GetChargeRequest;
import io.grpc.Status;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The charge path with nothing stood in: auth-svc checks the consent and issues every token,
 * risk-svc scores the charge with its default rules and model, payments-svc moves the money.
 */
@ExtendWith(E2eExtension.class)
class ChargePathTest {
  private static Platform platform;
  private static Partner partner;

  @BeforeAll
  static void partner() {
    platform = E2eExtension.suite().platform();
    partner = platform.newPartner("games", "games");
  }

  @Test
  void aConsentedChargeIsScoredByRiskSvcAndMovesTheMoney() {
    User user = platform.newUser("ada");
    platform.topUp(user, 1_000, 0);
    assertEquals(1_000, platform.balance(user, 1), "the top-up shows on the other instance too");
    platform.consent(user, partner, 500);

    Charge charge = platform.partnerApi(partner, 1).createCharge(CreateChargeRequest.newBuilder()
        .setIdempotencyKey("charge-path-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(250))
        .setDescription("a level pack")
        .build());

    assertEquals(ChargeStatus.CHARGE_STATUS_SUCCEEDED, charge.getStatus(), charge::toString);
    assertEquals(250, charge.getCaptured().getAmountMinor());
    // 2 + 2.5 % of 250 = 2 + 6.25, the basis-point part rounded half up: 8.
    assertEquals(8, charge.getFee().getAmountMinor());
    assertEquals(242, charge.getNet().getAmountMinor());
    assertEquals(user.id().toString(), charge.getUserId());
    assertEquals(partner.clientId(), charge.getPartnerClientId());
    assertFalse(charge.getConsentId().isEmpty(), "charged under the consent auth-svc found");
    assertFalse(charge.getRiskDecisionId().isEmpty(), "risk-svc decided it (the fallback leaves no decision id)");

    assertEquals(750, platform.balance(user, 0));
    assertEquals(750, platform.balance(user, 1));
    Charge read = platform.partnerApi(partner, 0).getCharge(GetChargeRequest.newBuilder().setChargeId(charge.getChargeId()).build());
    assertEquals(charge.getStatus(), read.getStatus(), "the other instance reads the same charge");
  }

  @Test
  void withoutConsentNothingIsCharged() {
    User user = platform.newUser("grace");
    platform.topUp(user, 800, 1);

    Grpc.Outcome<Charge> refused = Grpc.attempt(() -> platform.partnerApi(partner, 0).createCharge(
        CreateChargeRequest.newBuilder()
            .setIdempotencyKey("no-consent-" + UUID.randomUUID())
            .setUserId(user.id().toString())
            .setAmount(eur(200))
            .build()));

    assertEquals(Status.Code.PERMISSION_DENIED, refused.code(), refused::toString);
    assertEquals("NO_CONSENT", refused.reason(), refused::toString);
    assertEquals(800, platform.balance(user, 0));
  }

  @Test
  void aboveTheConsentsPerChargeMaximumNothingIsCharged() {
    User user = platform.newUser("linus");
    platform.topUp(user, 2_000, 0);
    platform.consent(user, partner, 300);

    Grpc.Outcome<Charge> refused = Grpc.attempt(() -> platform.partnerApi(partner, 1).createCharge(
        CreateChargeRequest.newBuilder()
            .setIdempotencyKey("above-max-" + UUID.randomUUID())
            .setUserId(user.id().toString())
            .setAmount(eur(301))
            .build()));

    assertEquals(Status.Code.PERMISSION_DENIED, refused.code(), refused::toString);
    assertEquals("ABOVE_PER_CHARGE_MAXIMUM", refused.reason(), refused::toString);
    assertEquals(2_000, platform.balance(user, 1));
  }

  @Test
  void aUsersTokenIsNotAPartnersAndNoTokenIsNobody() {
    User user = platform.newUser("mallory");
    CreateChargeRequest request = CreateChargeRequest.newBuilder()
        .setIdempotencyKey("wrong-token-" + UUID.randomUUID())
        .setUserId(user.id().toString())
        .setAmount(eur(100))
        .build();

    Grpc.Outcome<Charge> asUser = Grpc.attempt(() -> platform.apiWithToken(user.token(), 0).createCharge(request));
    Grpc.Outcome<Charge> anonymous = Grpc.attempt(() -> platform.apiWithToken(null, 1).createCharge(request));
    Grpc.Outcome<Charge> forged = Grpc.attempt(
        () -> platform.apiWithToken(partner.token().substring(0, partner.token().length() - 4) + "AAAA", 0)
            .createCharge(request));

    assertEquals(Status.Code.PERMISSION_DENIED, asUser.code(), asUser::toString);
    assertEquals(Status.Code.UNAUTHENTICATED, anonymous.code(), anonymous::toString);
    assertEquals(Status.Code.UNAUTHENTICATED, forged.code(), forged::toString);
  }
}
