package io.farthing.payments.charge.rest;

import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.farthing.payments.support.FakeAuth;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ChargeResourceTest {
  static final String CHARGES = "/v1/charges";
  static final String PROBLEM = "application/problem+json";

  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  static RequestSpecification as(UUID user) {
    return given().auth().oauth2(TestTokens.user(user, "user"));
  }

  Charge charge(String partner, UUID user, long minor, String description) {
    return withToken(plain, TestTokens.client(partner, "payments:charge"))
        .createCharge(
            CreateChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setUserId(user.toString())
                .setAmount(Money.newBuilder().setAmountMinor(minor).setCurrency("EUR"))
                .setDescription(description)
                .build());
  }

  @Test
  void listShowsTheUsersOwnChargesNewestFirstPageByPage() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge first = charge(partner, user, 100, "First");
    Charge second = charge(partner, user, 120, "Second");
    Charge third = charge(partner, user, 130, "Third");
    UUID someoneElse = UUID.randomUUID();
    fixtures.fund(someoneElse, "EUR", 1_000);
    FakeAuth.consent(someoneElse, partner, 500, "EUR");
    charge(partner, someoneElse, 50, "Not yours");

    Response page1 = as(user).queryParam("limit", 2).get(CHARGES);

    page1.then()
        .statusCode(200)
        .body("items.size()", equalTo(2))
        .body("items[0].id", equalTo(third.getChargeId()))
        .body("items[0].merchant", equalTo(partner))
        .body("items[0].description", equalTo("Third"))
        .body("items[0].status", equalTo("SUCCEEDED"))
        .body("items[0].amountMinor", equalTo(130))
        .body("items[0].capturedMinor", equalTo(130))
        .body("items[0].currency", equalTo("EUR"))
        .body("items[1].id", equalTo(second.getChargeId()));
    String cursor = page1.path("nextCursor");
    as(user).queryParam("limit", 2).queryParam("cursor", cursor).get(CHARGES).then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].id", equalTo(first.getChargeId()))
        .body("nextCursor", nullValue());
  }

  @Test
  void listFiltersByStatus() {
    String partner = fixtures.aMerchant();
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 1_000);
    try {
      charge(partner, user, 100, "No consent yet");
    } catch (io.grpc.StatusRuntimeException expected) {
      // stored FAILED with reason NO_CONSENT
    }
    FakeAuth.consent(user, partner, 500, "EUR");
    Charge paid = charge(partner, user, 100, "Paid");

    as(user).queryParam("status", "SUCCEEDED").get(CHARGES).then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].id", equalTo(paid.getChargeId()));
    as(user).queryParam("status", "FAILED").get(CHARGES).then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].failureReason", equalTo("NO_CONSENT"));
  }

  @Test
  void aChargeIsVisibleToItsPayerOnly() {
    String partner = fixtures.aMerchant();
    UUID user = fixtures.payer(partner, 1_000, 500);
    Charge charge = charge(partner, user, 120, "Article");

    as(user).get(CHARGES + "/" + charge.getChargeId()).then()
        .statusCode(200)
        .body("id", equalTo(charge.getChargeId()))
        .body("amountMinor", equalTo(120))
        .body("fee", nullValue());
    as(UUID.randomUUID()).get(CHARGES + "/" + charge.getChargeId()).then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("reason", equalTo("CHARGE_NOT_FOUND"));
    as(user).get(CHARGES + "/" + UUID.randomUUID()).then().statusCode(404);
    as(user).get(CHARGES + "/x").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
  }

  @Test
  void badPagingAndMissingTokensAreRefused() {
    UUID user = UUID.randomUUID();
    for (String limit : List.of("0", "101", "ten")) {
      as(user).queryParam("limit", limit).get(CHARGES).then()
          .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    }
    as(user).queryParam("cursor", "!!!").get(CHARGES).then().statusCode(400).body("reason", equalTo("INVALID_CURSOR"));
    as(user).queryParam("cursor", java.util.Base64.getUrlEncoder().encodeToString("not-a-uuid".getBytes()))
        .get(CHARGES).then().statusCode(400).body("reason", equalTo("INVALID_CURSOR"));
    as(user).queryParam("status", "PAID").get(CHARGES).then().statusCode(400).body("reason", equalTo("INVALID_STATUS"));
    given().get(CHARGES).then().statusCode(401).contentType(PROBLEM);
  }
}
