package io.farthing.auth.consent;

import static io.farthing.auth.support.AccountsFixtures.aClient;
import static io.farthing.auth.support.AccountsFixtures.anAdminToken;
import static io.farthing.auth.support.AccountsFixtures.internalToken;
import static io.farthing.auth.support.AccountsFixtures.partnerToken;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static io.farthing.auth.support.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.AccountsFixtures.Client;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.testing.Sql;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class ConsentTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String CONSENTS = "/v1/me/consents";

  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;
  @Inject TokenIssuer issuer;

  private String admin;

  @BeforeEach
  void anAdministrator() {
    admin = anAdminToken();
  }

  @Test
  void grantedConsentIsListedWithItsPartnerAndMaximum() {
    Client partner = aClient(admin, "payments:charge");
    String user = Api.signIn(Api.aUser()).accessToken();
    grant(user, partner, 500, "EUR").then()
        .statusCode(201)
        .header("Location", notNullValue())
        .body("id", notNullValue())
        .body("partnerClientId", equalTo(partner.clientId()))
        .body("partnerName", notNullValue())
        .body("maxPerCharge.amountMinor", equalTo(500))
        .body("maxPerCharge.currency", equalTo("EUR"))
        .body("status", equalTo("ACTIVE"));

    as(user).get(CONSENTS).then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].partnerClientId", equalTo(partner.clientId()))
        .body("nextCursor", nullValue());
  }

  @Test
  void grantingAgainReplacesTheMaximumOfTheOneActiveConsent() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    String first = grant(user, partner, 500, "EUR").then().statusCode(201).extract().path("id");
    grant(user, partner, 900, "USD").then()
        .statusCode(200)
        .body("id", equalTo(first))
        .body("maxPerCharge.amountMinor", equalTo(900))
        .body("maxPerCharge.currency", equalTo("USD"));

    assertEquals(1, Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1 AND revoked_at IS NULL",
        UUID.fromString(person.id())));
    assertEquals(2, Sql.count("SELECT count(*) FROM audit_events WHERE subject_user_id = ?1 "
        + "AND action = 'CONSENT_GRANTED'", UUID.fromString(person.id())));
  }

  @Test
  void consentToAnUnknownOrDisabledPartnerIsRefusedAndNothingIsWritten() {
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    Client ghost = new Client("fcl_" + UUID.randomUUID().toString().replace("-", ""), "x");
    grant(user, ghost, 100, "EUR").then()
        .statusCode(404).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/client-not-found"));

    Client disabled = aClient(admin, "payments:charge");
    as(admin).post("/admin/v1/clients/" + disabled.clientId() + "/disable").then().statusCode(200);
    grant(user, disabled, 100, "EUR").then()
        .statusCode(422).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/client-disabled"));

    assertEquals(0, consentRows(person));
  }

  @Test
  void badMaximumsAreRefusedWithAStableTypeAndNothingIsWritten() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    Map<Object, String> cases = new HashMap<>();
    cases.put(0, "invalid-amount");
    cases.put(-5, "invalid-amount");
    cases.put(new BigDecimal("1.5"), "invalid-amount");
    cases.put(new BigDecimal("1e30"), "invalid-amount");
    cases.forEach((amount, type) -> grant(user, partner, amount, "EUR").then()
        .statusCode(400).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/" + type)));
    for (String currency : new String[] {"eur", "ZZZ", "EURO"}) {
      grant(user, partner, 100, currency).then()
          .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-currency"));
    }
    as(user).body(Map.of("maxPerCharge", Map.of("amountMinor", 100, "currency", "EUR"))).post(CONSENTS)
        .then().statusCode(400).body("type", equalTo("https://problems.farthing.io/missing-field"));
    as(user).body("{\"partnerClientId\": ").post(CONSENTS)
        .then().statusCode(400).contentType(PROBLEM);

    assertEquals(0, consentRows(person));
  }

  @Test
  void revokedConsentIsListedAsRevokedAndRevokingAgainChangesNothing() {
    Client partner = aClient(admin, "payments:charge");
    String user = Api.signIn(Api.aUser()).accessToken();
    String id = grant(user, partner, 500, "EUR").then().statusCode(201).extract().path("id");

    as(user).delete(CONSENTS + "/" + id).then().statusCode(204);
    as(user).delete(CONSENTS + "/" + id).then().statusCode(204);
    as(user).get(CONSENTS).then()
        .body("items[0].status", equalTo("REVOKED"))
        .body("items[0].revokedAt", notNullValue());
    assertEquals(1, Sql.count("SELECT count(*) FROM audit_events WHERE action = 'CONSENT_REVOKED' "
        + "AND details LIKE ?1", id + "%"));
  }

  @Test
  void anotherUserCanNeitherSeeNorRevokeAConsent() {
    Client partner = aClient(admin, "payments:charge");
    String alice = Api.signIn(Api.aUser()).accessToken();
    String bob = Api.signIn(Api.aUser()).accessToken();
    String alicesConsent = grant(alice, partner, 500, "EUR").then().statusCode(201).extract().path("id");

    as(bob).get(CONSENTS).then().statusCode(200).body("items.id", not(hasItem(alicesConsent)));
    as(bob).delete(CONSENTS + "/" + alicesConsent).then()
        .statusCode(404).contentType(PROBLEM)
        .body("type", equalTo("https://problems.farthing.io/consent-not-found"));

    as(alice).get(CONSENTS).then().body("items[0].status", equalTo("ACTIVE"));
    assertTrue(Sql.count("SELECT count(*) FROM consents WHERE id = ?1 AND revoked_at IS NULL",
        UUID.fromString(alicesConsent)) == 1);
  }

  @Test
  void malformedOrUnknownConsentIdsAreRefused() {
    String user = Api.signIn(Api.aUser()).accessToken();
    as(user).delete(CONSENTS + "/not-a-uuid").then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-id"));
    as(user).delete(CONSENTS + "/" + UUID.randomUUID()).then().statusCode(404);
  }

  @Test
  void listingPagesThroughConsentsWithinBounds() {
    String user = Api.signIn(Api.aUser()).accessToken();
    for (int i = 0; i < 3; i++) {
      grant(user, aClient(admin, "payments:charge"), 100, "EUR").then().statusCode(201);
    }
    Response first = as(user).queryParam("limit", 2).get(CONSENTS);
    first.then().statusCode(200).body("items.size()", equalTo(2)).body("nextCursor", notNullValue());
    as(user).queryParam("limit", 2).queryParam("cursor", (String) first.path("nextCursor")).get(CONSENTS)
        .then().statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].id", not(equalTo(first.path("items[1].id"))))
        .body("nextCursor", nullValue());

    as(user).queryParam("limit", 0).get(CONSENTS).then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-limit"));
    as(user).queryParam("limit", 101).get(CONSENTS).then().statusCode(400);
    as(user).queryParam("cursor", "bm90LWEtdXVpZA").get(CONSENTS).then()
        .statusCode(400).body("type", equalTo("https://problems.farthing.io/invalid-cursor"));
  }

  @Test
  void partnerTokensCannotUseAPersonsConsentRoutes() {
    Client partner = aClient(admin, "payments:charge");
    String token = partnerToken(partner);
    as(token).get(CONSENTS).then().statusCode(403);
    grant(token, partner, 100, "EUR").then().statusCode(403);
    Api.json().get(CONSENTS).then().statusCode(401);
  }

  @Test
  void chargeEqualToTheMaximumIsAllowedAndOneMinorUnitMoreIsNot() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String consentId = grant(Api.signIn(person).accessToken(), partner, 500, "EUR").then()
        .statusCode(201).extract().path("id");

    CheckConsentResponse equal = check(person.id(), partner.clientId(), 500, "EUR");
    assertTrue(equal.getAllowed());
    assertEquals(consentId, equal.getConsentId());
    assertEquals(500, equal.getMaxPerCharge().getAmountMinor());
    assertEquals("", equal.getReason());

    CheckConsentResponse above = check(person.id(), partner.clientId(), 501, "EUR");
    assertFalse(above.getAllowed());
    assertEquals("ABOVE_PER_CHARGE_MAXIMUM", above.getReason());
    assertEquals(consentId, above.getConsentId());
  }

  @Test
  void chargeInAnotherCurrencyThanTheMaximumIsRefused() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    grant(Api.signIn(person).accessToken(), partner, 500, "EUR").then().statusCode(201);

    CheckConsentResponse answer = check(person.id(), partner.clientId(), 100, "USD");
    assertFalse(answer.getAllowed());
    assertEquals("CURRENCY_MISMATCH", answer.getReason());
  }

  @Test
  void revokedConsentIsRefusedAsRevoked() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    String id = grant(user, partner, 500, "EUR").then().statusCode(201).extract().path("id");
    as(user).delete(CONSENTS + "/" + id).then().statusCode(204);

    CheckConsentResponse answer = check(person.id(), partner.clientId(), 100, "EUR");
    assertFalse(answer.getAllowed());
    assertEquals("CONSENT_REVOKED", answer.getReason());
    assertEquals(id, answer.getConsentId());
  }

  @Test
  void consentGivenToAnotherPartnerDoesNotCount() {
    Client granted = aClient(admin, "payments:charge");
    Client other = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    grant(Api.signIn(person).accessToken(), granted, 500, "EUR").then().statusCode(201);

    CheckConsentResponse answer = check(person.id(), other.clientId(), 100, "EUR");
    assertFalse(answer.getAllowed());
    assertEquals("NO_CONSENT", answer.getReason());
    assertEquals("", answer.getConsentId());
  }

  @Test
  void consentWithoutAMaximumAllowsAnyAmountInAnyCurrency() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    as(Api.signIn(person).accessToken()).body(Map.of("partnerClientId", partner.clientId())).post(CONSENTS)
        .then().statusCode(201).body("maxPerCharge", nullValue());

    assertTrue(check(person.id(), partner.clientId(), 9_000_000_000L, "JPY").getAllowed());
    assertFalse(check(person.id(), partner.clientId(), 9_000_000_000L, "JPY").hasMaxPerCharge());
  }

  @Test
  void unknownUserIsNotActive() {
    Client partner = aClient(admin, "payments:charge");
    CheckConsentResponse answer = check(UUID.randomUUID().toString(), partner.clientId(), 100, "EUR");
    assertFalse(answer.getAllowed());
    assertEquals("USER_NOT_ACTIVE", answer.getReason());
  }

  @Test
  void invalidCheckArgumentsAreRefusedWithAReason() {
    String user = UUID.randomUUID().toString();
    String partner = "fcl_" + UUID.randomUUID().toString().replace("-", "");
    assertInvalid("MISSING_FIELD", request("", partner, 100, "EUR"));
    assertInvalid("INVALID_ID", request("not-a-uuid", partner, 100, "EUR"));
    assertInvalid("MISSING_FIELD", request(user, "", 100, "EUR"));
    assertInvalid("INVALID_AMOUNT", request(user, partner, 0, "EUR"));
    assertInvalid("INVALID_AMOUNT", request(user, partner, -100, "EUR"));
    assertInvalid("INVALID_CURRENCY", request(user, partner, 100, "ZZZ"));
    assertInvalid("INVALID_CURRENCY", request(user, partner, 100, "eur"));
    assertInvalid("MISSING_FIELD",
        CheckConsentRequest.newBuilder().setUserId(user).setPartnerClientId(partner).build());
  }

  private void assertInvalid(String reason, CheckConsentRequest request) {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
        () -> withToken(grpc, internalToken(issuer)).checkConsent(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode());
    assertEquals(reason, reason(failure));
  }

  private CheckConsentResponse check(String userId, String partnerId, long amountMinor, String currency) {
    return withToken(grpc, internalToken(issuer)).checkConsent(request(userId, partnerId, amountMinor, currency));
  }

  static CheckConsentRequest request(String userId, String partnerId, long amountMinor, String currency) {
    return CheckConsentRequest.newBuilder()
        .setUserId(userId)
        .setPartnerClientId(partnerId)
        .setAmount(Money.newBuilder().setAmountMinor(amountMinor).setCurrency(currency))
        .build();
  }

  private static Response grant(String token, Client partner, Object amountMinor, String currency) {
    return as(token)
        .body(Map.of("partnerClientId", partner.clientId(),
            "maxPerCharge", Map.of("amountMinor", amountMinor, "currency", currency)))
        .post(CONSENTS);
  }

  private static long consentRows(Api.TestUser person) {
    return Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1", UUID.fromString(person.id()));
  }
}
