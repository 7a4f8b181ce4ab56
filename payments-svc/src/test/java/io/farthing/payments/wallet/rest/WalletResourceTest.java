package io.farthing.payments.wallet.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WalletResourceTest {
  static final String WALLETS = "/v1/wallets";
  static final String PROBLEM = "application/problem+json";

  @Inject Fixtures fixtures;

  static RequestSpecification as(UUID user) {
    return given().auth().oauth2(TestTokens.user(user, "user"));
  }

  static Response open(UUID user, String key, String currency) {
    return as(user).header("Idempotency-Key", key).contentType("application/json")
        .body(Map.of("currency", currency)).post(WALLETS);
  }

  @Test
  void openingAWalletCreatesItOnceAndAnswersItAgainAfterwards() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    Response opened = open(user, key, "EUR");
    Response replay = open(user, key, "EUR");
    Response reopened = open(user, UUID.randomUUID().toString(), "EUR");

    opened.then()
        .statusCode(201)
        .header("Location", equalTo(WALLETS + "/" + opened.path("id")))
        .body("currency", equalTo("EUR"))
        .body("balanceMinor", equalTo(0));
    assertEquals(201, replay.statusCode());
    assertEquals(opened.asString(), replay.asString());
    reopened.then().statusCode(200).body("id", equalTo(opened.path("id")));
    assertEquals(1, fixtures.longValue("select count(*) from wallets where user_id = $1", user));
  }

  @Test
  void listShowsTheCallersOwnWalletsWithTheirBalances() {
    UUID user = UUID.randomUUID();
    UUID eur = fixtures.fund(user, "EUR", 1_234);
    UUID usd = fixtures.fund(user, "USD", 50);
    fixtures.fund(UUID.randomUUID(), "EUR", 999);

    as(user).get(WALLETS).then()
        .statusCode(200)
        .body("items.size()", equalTo(2))
        .body("items[0].id", equalTo(eur.toString()))
        .body("items[0].currency", equalTo("EUR"))
        .body("items[0].balanceMinor", equalTo(1_234))
        .body("items[1].id", equalTo(usd.toString()))
        .body("items[1].balanceMinor", equalTo(50));
    as(UUID.randomUUID()).get(WALLETS).then().statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void aWalletIsVisibleToItsOwnerOnly() {
    UUID owner = UUID.randomUUID();
    UUID wallet = fixtures.fund(owner, "EUR", 700);

    as(owner).get(WALLETS + "/" + wallet).then()
        .statusCode(200)
        .body("id", equalTo(wallet.toString()))
        .body("balanceMinor", equalTo(700))
        .body("createdAt", notNullValue());
    as(UUID.randomUUID()).get(WALLETS + "/" + wallet).then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("reason", equalTo("WALLET_NOT_FOUND"));
    as(owner).get(WALLETS + "/" + UUID.randomUUID()).then().statusCode(404);
    as(owner).get(WALLETS + "/nope").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
  }

  @Test
  void currenciesWithoutKycLimitsAreNotOffered() {
    UUID user = UUID.randomUUID();
    String key = UUID.randomUUID().toString();

    open(user, key, "JPY").then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("reason", equalTo("CURRENCY_NOT_SUPPORTED"));
    open(user, key, "JPY").then().statusCode(422).body("reason", equalTo("CURRENCY_NOT_SUPPORTED"));
    assertEquals(0, fixtures.longValue("select count(*) from wallets where user_id = $1", user));
  }

  @Test
  void badRequestsAndMissingTokensAreRefused() {
    UUID user = UUID.randomUUID();
    as(user).contentType("application/json").body(Map.of("currency", "EUR")).post(WALLETS)
        .then().statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_IDEMPOTENCY_KEY"));
    open(user, UUID.randomUUID().toString(), "euro").then().statusCode(400).body("reason", equalTo("INVALID_CURRENCY"));
    as(user).header("Idempotency-Key", "x".repeat(256)).contentType("application/json")
        .body(Map.of("currency", "EUR")).post(WALLETS)
        .then().statusCode(400).body("reason", equalTo("INVALID_IDEMPOTENCY_KEY"));
    as(user).header("Idempotency-Key", "k").contentType("application/json").body(Map.of()).post(WALLETS)
        .then().statusCode(400).body("reason", equalTo("MISSING_FIELD"));
    String key = UUID.randomUUID().toString();
    open(user, key, "EUR").then().statusCode(201);
    open(user, key, "USD").then().statusCode(422).body("reason", equalTo("IDEMPOTENCY_KEY_REUSED"));
    given().get(WALLETS).then().statusCode(401).contentType(PROBLEM).body("reason", equalTo("UNAUTHENTICATED"));
    given().auth().oauth2(TestTokens.client("fcl_partner", "payments:read")).get(WALLETS)
        .then().statusCode(403).contentType(PROBLEM);
  }
}
