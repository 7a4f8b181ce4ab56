package io.farthing.auth.consent;

import static io.farthing.auth.support.AccountsFixtures.aClient;
import static io.farthing.auth.support.AccountsFixtures.anAdminToken;
import static io.farthing.auth.support.AccountsFixtures.internalToken;
import static io.farthing.auth.support.Api.as;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.AccountsFixtures.Client;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.testing.Sql;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allowances on consents: granted, seen, changed and revoked over REST; named by CheckConsent. */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class AllowanceTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String TYPE = "https://problems.farthing.io/";
  private static final String CONSENTS = "/v1/me/consents";
  /** A daily allowance whose current period began an hour (or so) ago. */
  private static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  private static final String DAILY = "R/" + START + "/PT24H";

  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;
  @Inject TokenIssuer issuer;

  private String admin;

  @BeforeEach
  void anAdministrator() {
    admin = anAdminToken();
  }

  @Test
  void anAllowanceGrantedWithTheConsentIsListedWithItsCurrentPeriod() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();

    grant(user, partner, allowance(500, "EUR", DAILY)).then()
        .statusCode(201)
        .body("allowance.limit.amountMinor", equalTo(500))
        .body("allowance.limit.currency", equalTo("EUR"))
        .body("allowance.interval", equalTo(DAILY))
        .body("allowance.position", equalTo("CURRENT"))
        .body("allowance.periodStart", equalTo(START.toString()))
        .body("allowance.periodEnd", equalTo(START.plus(Duration.ofHours(24)).toString()));

    as(user).get(CONSENTS).then()
        .statusCode(200)
        .body("items[0].allowance.interval", equalTo(DAILY))
        .body("items[0].maxPerCharge", nullValue());
    assertEquals(1, events(person, "allowance.granted"));
  }

  @Test
  void checkConsentNamesTheAllowanceAndThePeriodTheChargeFallsIn() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String consentId =
        grant(Api.signIn(person).accessToken(), partner, allowance(500, "EUR", DAILY)).then().statusCode(201)
            .extract().path("id");

    CheckConsentResponse answer = check(person, partner, 400, "EUR");

    assertTrue(answer.getAllowed());
    assertEquals(consentId, answer.getConsentId());
    assertEquals(500, answer.getAllowance().getLimit().getAmountMinor());
    assertEquals("EUR", answer.getAllowance().getLimit().getCurrency());
    assertEquals(DAILY, answer.getAllowance().getInterval());
    assertEquals(START.getEpochSecond(), answer.getAllowance().getPeriodStart().getSeconds());
    assertEquals(START.plus(Duration.ofHours(24)).getEpochSecond(), answer.getAllowance().getPeriodEnd().getSeconds());
    // Whether the period has room is counted by payments-svc, not here.
    assertTrue(check(person, partner, 900, "EUR").getAllowed());
    assertEquals("CURRENCY_MISMATCH", check(person, partner, 100, "USD").getReason());
  }

  @Test
  void outsideTheAllowancesPeriodsChargesAreRefused() {
    Client early = aClient(admin, "payments:charge");
    Client late = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    grant(user, early, allowance(500, "EUR", "R/" + START.plus(Duration.ofDays(2)) + "/P1W")).then()
        .statusCode(201).body("allowance.position", equalTo("NOT_STARTED")).body("allowance.periodEnd", nullValue());
    grant(user, late, allowance(500, "EUR", "R1/" + START.minus(Duration.ofDays(3)) + "/PT24H")).then()
        .statusCode(201).body("allowance.position", equalTo("ENDED"));

    CheckConsentResponse notStarted = check(person, early, 100, "EUR");
    CheckConsentResponse ended = check(person, late, 100, "EUR");

    assertFalse(notStarted.getAllowed());
    assertEquals("ALLOWANCE_NOT_STARTED", notStarted.getReason());
    assertFalse(notStarted.hasAllowance());
    assertFalse(ended.getAllowed());
    assertEquals("ALLOWANCE_ENDED", ended.getReason());
  }

  @Test
  void putChangesOrRemovesTheAllowanceAndTheNextCheckSeesIt() {
    Granted g = aDailyAllowanceOf500();
    Client partner = g.partner();
    Api.TestUser person = g.person();
    String user = g.user();
    String id = g.id();

    as(user).body(Map.of("maxPerCharge", money(300, "EUR"), "allowance", allowance(2_000, "EUR", "R/" + START + "/P1W")))
        .put(CONSENTS + "/" + id).then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("maxPerCharge.amountMinor", equalTo(300))
        .body("allowance.limit.amountMinor", equalTo(2_000))
        .body("allowance.periodEnd", equalTo(START.plus(Duration.ofDays(7)).toString()));
    assertEquals(2_000, check(person, partner, 100, "EUR").getAllowance().getLimit().getAmountMinor());

    as(user).body(Map.of()).put(CONSENTS + "/" + id).then()
        .statusCode(200).body("allowance", nullValue()).body("maxPerCharge", nullValue());
    assertFalse(check(person, partner, 100, "EUR").hasAllowance());
    assertEquals(2, events(person, "allowance.granted"));
    assertEquals(1, events(person, "allowance.revoked"));
  }

  @Test
  void revokingTheConsentEndsTheAllowanceAtTheNextCheck() {
    Granted g = aDailyAllowanceOf500();
    Client partner = g.partner();
    Api.TestUser person = g.person();
    String user = g.user();
    String id = g.id();

    as(user).delete(CONSENTS + "/" + id).then().statusCode(204);

    CheckConsentResponse answer = check(person, partner, 100, "EUR");
    assertFalse(answer.getAllowed());
    assertEquals("CONSENT_REVOKED", answer.getReason());
    assertFalse(answer.hasAllowance());
    assertEquals(1, events(person, "allowance.revoked"));
    as(user).body(Map.of("allowance", allowance(900, "EUR", DAILY))).put(CONSENTS + "/" + id).then()
        .statusCode(422).contentType(PROBLEM).body("type", equalTo(TYPE + "consent-revoked"));
  }

  @Test
  void anotherUsersConsentCannotBeChanged() {
    Client partner = aClient(admin, "payments:charge");
    String owner = Api.signIn(Api.aUser()).accessToken();
    String id = grant(owner, partner, allowance(500, "EUR", DAILY)).then().statusCode(201).extract().path("id");
    String stranger = Api.signIn(Api.aUser()).accessToken();

    as(stranger).body(Map.of("allowance", allowance(1_000_000, "EUR", DAILY))).put(CONSENTS + "/" + id).then()
        .statusCode(404).contentType(PROBLEM).body("type", equalTo(TYPE + "consent-not-found"));
    as(stranger).body(Map.of()).put(CONSENTS + "/not-an-id").then().statusCode(400).contentType(PROBLEM);
    as(owner).get(CONSENTS).then().body("items[0].allowance.limit.amountMinor", equalTo(500));
  }

  @Test
  void badAllowancesAreRefusedWithAStableTypeAndNothingIsWritten() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    Map<Object, String> cases = new HashMap<>();
    cases.put(allowance(500, "EUR", "P1M"), "invalid-interval");
    cases.put(allowance(500, "EUR", "R/" + START + "/PT30M"), "invalid-interval");
    cases.put(allowance(500, "EUR", "R1001/" + START + "/P1D"), "invalid-interval");
    cases.put(allowance(500, "EUR", "R/2026-12-01/P1M"), "invalid-interval");
    cases.put(allowance(0, "EUR", DAILY), "invalid-amount");
    cases.put(allowance(500, "eur", DAILY), "invalid-currency");
    cases.put(Map.of("interval", DAILY), "missing-field");
    cases.put(Map.of("limit", money(500, "EUR")), "missing-field");
    cases.forEach((body, type) -> grant(user, partner, body).then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + type)));
    as(user).body(Map.of("partnerClientId", partner.clientId(), "maxPerCharge", money(100, "USD"),
            "allowance", allowance(500, "EUR", DAILY)))
        .post(CONSENTS).then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "currency-mismatch"));
    grant(user, partner, allowance(500, "EUR", "R/" + START + "/PT1H" + " ".repeat(60))).then()
        .statusCode(400).contentType(PROBLEM);

    assertEquals(0, Sql.count("SELECT count(*) FROM consents WHERE user_id = ?1", UUID.fromString(person.id())));
  }

  /** A new user's consent to a new partner with {@link #DAILY} allowance of €5.00. */
  private Granted aDailyAllowanceOf500() {
    Client partner = aClient(admin, "payments:charge");
    Api.TestUser person = Api.aUser();
    String user = Api.signIn(person).accessToken();
    String id = grant(user, partner, allowance(500, "EUR", DAILY)).then().statusCode(201).extract().path("id");
    return new Granted(partner, person, user, id);
  }

  private record Granted(Client partner, Api.TestUser person, String user, String id) {}

  private CheckConsentResponse check(Api.TestUser person, Client partner, long amountMinor, String currency) {
    return withToken(grpc, internalToken(issuer))
        .checkConsent(ConsentTest.request(person.id(), partner.clientId(), amountMinor, currency));
  }

  private static Map<String, Object> money(long amountMinor, String currency) {
    return Map.of("amountMinor", amountMinor, "currency", currency);
  }

  private static Map<String, Object> allowance(long amountMinor, String currency, String interval) {
    return Map.of("limit", money(amountMinor, currency), "interval", interval);
  }

  private static Response grant(String token, Client partner, Object allowance) {
    return as(token).body(Map.of("partnerClientId", partner.clientId(), "allowance", allowance)).post(CONSENTS);
  }

  private static long events(Api.TestUser person, String type) {
    return Sql.count("SELECT count(*) FROM outbox WHERE user_id = ?1 AND type = ?2", UUID.fromString(person.id()), type);
  }
}
