package io.farthing.payments.merchant.rest;

import static io.farthing.payments.admin.TestCalls.PROBLEM;
import static io.farthing.payments.admin.TestCalls.TYPE;
import static io.farthing.payments.admin.TestCalls.admin;
import static io.farthing.payments.admin.TestCalls.anonymous;
import static io.farthing.payments.admin.TestCalls.as;
import static io.farthing.payments.admin.TestCalls.charge;
import static io.farthing.payments.admin.TestCalls.support;
import static io.farthing.payments.admin.TestCalls.userToken;
import static io.farthing.testing.Grpc.reason;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.testing.TestJwks;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AdminMerchantTest {
  @GrpcClient("payments")
  PaymentsGrpc.PaymentsBlockingStub plain;

  @Inject Fixtures fixtures;

  static String aPartnerId() {
    return "fcl_adm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  static Map<String, Object> plan(String currency, Object fixed, Object rateBps, Object min, Object max) {
    Map<String, Object> plan = new HashMap<>();
    plan.put("currency", currency);
    plan.put("fixedMinor", fixed);
    plan.put("rateBps", rateBps);
    plan.put("minFeeMinor", min);
    plan.put("maxFeeMinor", max);
    return plan;
  }

  static Map<String, Object> merchant(String id, String name, List<Map<String, Object>> plans) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("partnerClientId", id);
    body.put("name", name);
    body.put("category", "games");
    body.put("status", "ACTIVE");
    body.put("feePlans", plans);
    return body;
  }

  static Map<String, Object> eurPlan() {
    return plan("EUR", 2, 250, 0, null);
  }

  @Test
  void anAdminOnboardsAMerchantAndItCanChargeAtOnce() {
    String id = aPartnerId();
    as(admin()).body(merchant(id, "Pixel Games", List.of(plan("USD", 0, 300, 1, 50), eurPlan()))).post("/admin/v1/merchants")
        .then()
        .statusCode(201)
        .header("Location", endsWith("/admin/v1/merchants/" + id))
        .body("partnerClientId", equalTo(id))
        .body("name", equalTo("Pixel Games"))
        .body("category", equalTo("games"))
        .body("status", equalTo("ACTIVE"))
        .body("version", equalTo(0))
        .body("feePlans.currency", equalTo(List.of("EUR", "USD")))
        .body("feePlans[0].fixedMinor", equalTo(2))
        .body("feePlans[0].rateBps", equalTo(250))
        .body("feePlans[0].maxFeeMinor", nullValue())
        .body("feePlans[1].minFeeMinor", equalTo(1))
        .body("feePlans[1].maxFeeMinor", equalTo(50))
        .body("createdAt", notNullValue());

    as(support()).get("/admin/v1/merchants/" + id).then().statusCode(200).body("name", equalTo("Pixel Games"));

    UUID user = fixtures.payer(id, 1_000, 500);
    Charge charge = charge(plain, id, user, 100);
    assertEquals(5, charge.getFee().getAmountMinor());
  }

  @Test
  void listsMerchantsPageByPage() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = aPartnerId();
      ids.add(id);
      as(admin()).body(merchant(id, "Listed " + i, List.of(eurPlan()))).post("/admin/v1/merchants").then().statusCode(201);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 1_000; page++) {
      var request = as(support()).queryParam("limit", 2);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      Response response = request.get("/admin/v1/merchants");
      response.then().statusCode(200);
      List<String> items = response.path("items.partnerClientId");
      assertTrue(items.size() <= 2);
      seen.addAll(items);
      cursor = response.path("nextCursor");
      if (cursor == null) {
        break;
      }
    }
    assertTrue(seen.containsAll(ids), "every merchant is on some page");
    assertEquals(seen.size(), seen.stream().distinct().count(), "no merchant is on two pages");
    List<String> sorted = new ArrayList<>(seen);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, seen, "pages come in partner client id order");

    as(support()).queryParam("limit", 0).get("/admin/v1/merchants").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_LIMIT"));
    as(support()).queryParam("cursor", "!!!").get("/admin/v1/merchants").then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("INVALID_CURSOR"));
  }

  @Test
  void anUpdateCarriesTheVersionItWasBasedOnAndAStaleOneConflicts() {
    String id = aPartnerId();
    as(admin()).body(merchant(id, "Before", List.of(eurPlan()))).post("/admin/v1/merchants").then().statusCode(201);

    Map<String, Object> edit = merchant(id, "After", List.of(plan("EUR", 1, 100, 0, 20)));
    edit.put("version", 0);
    as(admin()).body(edit).put("/admin/v1/merchants/" + id).then()
        .statusCode(200)
        .body("name", equalTo("After"))
        .body("version", equalTo(1))
        .body("feePlans[0].fixedMinor", equalTo(1))
        .body("feePlans[0].maxFeeMinor", equalTo(20));

    Map<String, Object> stale = merchant(id, "Lost update", List.of(eurPlan()));
    stale.put("version", 0);
    as(admin()).body(stale).put("/admin/v1/merchants/" + id).then()
        .statusCode(409).contentType(PROBLEM).body("type", equalTo(TYPE + "version-conflict"));
    as(support()).get("/admin/v1/merchants/" + id).then()
        .statusCode(200).body("name", equalTo("After")).body("version", equalTo(1));

    Map<String, Object> suspend = merchant(id, "After", List.of(eurPlan()));
    suspend.put("status", "SUSPENDED");
    suspend.put("version", 1);
    as(admin()).body(suspend).put("/admin/v1/merchants/" + id).then().statusCode(200).body("status", equalTo("SUSPENDED"));
    UUID user = fixtures.payer(id, 1_000, 500);
    var e = assertThrows(StatusRuntimeException.class, () -> charge(plain, id, user, 100));
    assertEquals("MERCHANT_SUSPENDED", reason(e));
    assertEquals(1_000, fixtures.balance(user, "EUR"));
  }

  @Test
  void aFeePlanPastTheGuardrailIsRefusedAndNothingIsSaved() {
    String id = aPartnerId();
    // 5 fixed on the 10-minor-unit reference charge is 50 %, past the 30 % guardrail.
    as(admin()).body(merchant(id, "Greedy", List.of(plan("EUR", 5, 0, 0, null)))).post("/admin/v1/merchants").then()
        .statusCode(422).contentType(PROBLEM).body("type", equalTo(TYPE + "fee-plan-too-expensive"));
    as(support()).get("/admin/v1/merchants/" + id).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo("MERCHANT_NOT_FOUND"));

    as(admin()).body(merchant(id, "Fair", List.of(eurPlan()))).post("/admin/v1/merchants").then().statusCode(201);
    Map<String, Object> greedy = merchant(id, "Greedy", List.of(plan("EUR", 0, 5000, 0, null)));
    greedy.put("version", 0);
    as(admin()).body(greedy).put("/admin/v1/merchants/" + id).then()
        .statusCode(422).contentType(PROBLEM).body("reason", equalTo("FEE_PLAN_TOO_EXPENSIVE"));
    as(support()).get("/admin/v1/merchants/" + id).then()
        .statusCode(200)
        .body("name", equalTo("Fair"))
        .body("version", equalTo(0))
        .body("feePlans[0].rateBps", equalTo(250));
  }

  @Test
  void refusesBadBodiesWith400AndAReason() {
    String id = aPartnerId();
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("fraction", "INVALID_FEE_PLAN");
    cases.put("rate", "INVALID_FEE_PLAN");
    cases.put("currency", "INVALID_CURRENCY");
    cases.put("duplicate", "DUPLICATE_FEE_PLAN");
    cases.put("name", "INVALID_NAME");
    cases.put("status", "INVALID_STATUS");
    cases.put("category", "INVALID_CATEGORY");
    cases.put("id", "INVALID_ID");
    cases.put("missingFixed", "MISSING_FIELD");
    cases.put("maxBelowMin", "INVALID_FEE_PLAN");
    for (var c : cases.entrySet()) {
      Map<String, Object> body =
          switch (c.getKey()) {
            case "fraction" -> merchant(id, "Shop", List.of(plan("EUR", 1.5, 100, 0, null)));
            case "rate" -> merchant(id, "Shop", List.of(plan("EUR", 1, 10_001, 0, null)));
            case "currency" -> merchant(id, "Shop", List.of(plan("EURO", 1, 100, 0, null)));
            case "duplicate" -> merchant(id, "Shop", List.of(eurPlan(), eurPlan()));
            case "name" -> merchant(id, " ", List.of(eurPlan()));
            case "status" -> {
              Map<String, Object> b = merchant(id, "Shop", List.of(eurPlan()));
              b.put("status", "OPEN");
              yield b;
            }
            case "category" -> {
              Map<String, Object> b = merchant(id, "Shop", List.of(eurPlan()));
              b.put("category", "Games & More");
              yield b;
            }
            case "id" -> merchant("has spaces", "Shop", List.of(eurPlan()));
            case "missingFixed" -> merchant(id, "Shop", List.of(plan("EUR", null, 100, 0, null)));
            case "maxBelowMin" -> merchant(id, "Shop", List.of(plan("EUR", 0, 100, 5, 2)));
            default -> throw new IllegalStateException();
          };
      as(admin()).body(body).post("/admin/v1/merchants").then()
          .statusCode(400).contentType(PROBLEM).body("reason", equalTo(c.getValue()));
    }
    as(admin()).body("{\"name\": ").post("/admin/v1/merchants").then().statusCode(400).contentType(PROBLEM);
    as(admin()).post("/admin/v1/merchants").then().statusCode(400).contentType(PROBLEM);
    as(support()).get("/admin/v1/merchants/" + id).then().statusCode(404);

    as(admin()).body(merchant(id, "Shop", List.of(eurPlan()))).post("/admin/v1/merchants").then().statusCode(201);
    as(admin()).body(merchant(id, "Shop", List.of(eurPlan()))).post("/admin/v1/merchants").then()
        .statusCode(409).contentType(PROBLEM).body("reason", equalTo("MERCHANT_EXISTS"));
    as(admin()).body(merchant(id, "Shop", List.of(eurPlan()))).put("/admin/v1/merchants/" + id).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("MISSING_FIELD"));
    Map<String, Object> mismatch = merchant(aPartnerId(), "Shop", List.of(eurPlan()));
    mismatch.put("version", 0);
    as(admin()).body(mismatch).put("/admin/v1/merchants/" + id).then()
        .statusCode(400).contentType(PROBLEM).body("reason", equalTo("ID_MISMATCH"));
    Map<String, Object> unknown = merchant(null, "Shop", List.of(eurPlan()));
    unknown.put("version", 0);
    as(admin()).body(unknown).put("/admin/v1/merchants/" + aPartnerId()).then()
        .statusCode(404).contentType(PROBLEM).body("reason", equalTo("MERCHANT_NOT_FOUND"));
  }

  @Test
  void supportReadsButOnlyAdminsChange() {
    String id = aPartnerId();
    as(support()).body(merchant(id, "Shop", List.of(eurPlan()))).post("/admin/v1/merchants").then()
        .statusCode(403).contentType(PROBLEM).body("reason", equalTo("FORBIDDEN"));
    as(userToken(UUID.randomUUID())).get("/admin/v1/merchants").then().statusCode(403).contentType(PROBLEM);
    anonymous().get("/admin/v1/merchants").then().statusCode(401).contentType(PROBLEM);
    as(admin()).body(merchant(id, "Shop", List.of(eurPlan()))).post("/admin/v1/merchants").then().statusCode(201);
    Map<String, Object> edit = merchant(id, "Renamed", List.of(eurPlan()));
    edit.put("version", 0);
    as(support()).body(edit).put("/admin/v1/merchants/" + id).then().statusCode(403).contentType(PROBLEM);
  }
}
