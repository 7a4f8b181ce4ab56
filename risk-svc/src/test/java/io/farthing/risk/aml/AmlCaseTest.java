package io.farthing.risk.aml;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.SecurityLevel;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AmlCaseTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String TYPE = "https://problems.farthing.io/";
  private static final long NEAR_LIMIT_AMOUNT = 95_000;

  @Inject AmlService aml;

  private static RiskContext payment(UUID userId, Channel channel, long amountMinor) {
    return new RiskContext("test-partner", UUID.randomUUID().toString(), userId, "w-" + userId, null, "",
        amountMinor, "EUR", channel, null, true, null, null, null, 1, SecurityLevel.STANDARD, Instant.now(), false,
        null);
  }

  private static Features nearLimit(int nearLimit, long countInWindow) {
    return Features.builder().number("amount_minor", NEAR_LIMIT_AMOUNT).number("near_limit", nearLimit)
        .number("near_limit_count_7d", countInWindow).build();
  }

  private Optional<UUID> hit(UUID userId, Channel channel, int nearLimit, long countInWindow, UUID decisionId) {
    return Sql.await(() -> aml.recordHit(payment(userId, channel, NEAR_LIMIT_AMOUNT), nearLimit(nearLimit,
        countInWindow), decisionId));
  }

  private UUID qualifyingHit(UUID userId) {
    return hit(userId, Channel.TOP_UP, 1, 3, UUID.randomUUID()).orElseThrow();
  }

  private static RequestSpecification as(String token) {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON).header("Authorization", "Bearer " + token);
  }

  private static String support() {
    return TestTokens.user(UUID.randomUUID(), "user", "support");
  }

  private static long openCases(UUID userId) {
    return Sql.count("select count(*) from aml_cases where user_id = ?1 and status = 'OPEN'", userId);
  }

  @Test
  void theFirstQualifyingHitOpensACaseAndLaterHitsExtendIt() {
    UUID user = UUID.randomUUID();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();

    UUID opened = hit(user, Channel.TOP_UP, 1, 3, first).orElseThrow();
    UUID extended = hit(user, Channel.P2P, 1, 4, second).orElseThrow();

    assertEquals(opened, extended);
    assertEquals(1, openCases(user));
    as(support()).get("/admin/v1/cases/" + opened).then()
        .statusCode(200)
        .body("userId", equalTo(user.toString()))
        .body("kind", equalTo("STRUCTURING"))
        .body("status", equalTo("OPEN"))
        .body("hits", equalTo(2))
        .body("totalMinor", equalTo(190_000))
        .body("currency", equalTo("EUR"))
        .body("decisionIds", equalTo(List.of(first.toString(), second.toString())))
        .body("summary", equalTo("2 top-ups or P2P transfers just under the limit, 1900.00 EUR in total;"
            + " 4 such payments in the last 7 days"))
        .body("resolution", nullValue());
  }

  @Test
  void hitsBelowTheThresholdNotNearTheLimitOrInAppOpenNothing() {
    UUID user = UUID.randomUUID();
    assertEquals(Optional.empty(), hit(user, Channel.TOP_UP, 1, 2, UUID.randomUUID()));
    assertEquals(Optional.empty(), hit(user, Channel.TOP_UP, 0, 5, UUID.randomUUID()));
    assertEquals(Optional.empty(), hit(user, Channel.IN_APP, 1, 5, UUID.randomUUID()));
    assertEquals(Optional.empty(), hit(user, Channel.QR, 1, 5, UUID.randomUUID()));
    Features degraded = Features.builder().number("amount_minor", NEAR_LIMIT_AMOUNT).number("degraded", 1).build();
    assertEquals(Optional.empty(), Sql.await(() -> aml.recordHit(payment(user, Channel.P2P, NEAR_LIMIT_AMOUNT),
        degraded, UUID.randomUUID())));
    assertEquals(0, Sql.count("select count(*) from aml_cases where user_id = ?1", user));
  }

  @Test
  void twentyConcurrentHitsForOneUserMakeOneCaseWithTwentyHits() throws Exception {
    UUID user = UUID.randomUUID();
    int hits = 20;
    ExecutorService pool = Executors.newFixedThreadPool(hits);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<UUID>>> results = new ArrayList<>();
      for (int i = 0; i < hits; i++) {
        Callable<Optional<UUID>> call = () -> {
          start.await();
          return hit(user, Channel.P2P, 1, 3, UUID.randomUUID());
        };
        results.add(pool.submit(call));
      }
      start.countDown();
      Set<UUID> caseIds = new HashSet<>();
      for (Future<Optional<UUID>> result : results) {
        caseIds.add(result.get().orElseThrow());
      }
      assertEquals(1, caseIds.size());
    } finally {
      pool.shutdownNow();
    }
    Object[] stored = Sql.row("select hits, total_minor, cardinality(decision_ids) from aml_cases"
        + " where user_id = ?1 and status = 'OPEN'", user);
    assertEquals(hits, ((Number) stored[0]).intValue());
    assertEquals(hits * NEAR_LIMIT_AMOUNT, ((Number) stored[1]).longValue());
    assertEquals(hits, ((Number) stored[2]).intValue());
    assertEquals(1, Sql.count("select count(*) from aml_cases where user_id = ?1", user));
  }

  @Test
  void aCaseKeepsOnlyTheNewestFiftyDecisionIds() {
    UUID user = UUID.randomUUID();
    List<UUID> decisions = new ArrayList<>();
    UUID caseId = null;
    for (int i = 0; i < 52; i++) {
      UUID decision = UUID.randomUUID();
      decisions.add(decision);
      caseId = hit(user, Channel.TOP_UP, 1, 3 + i, decision).orElseThrow();
    }
    Response response = as(support()).get("/admin/v1/cases/" + caseId);
    response.then().statusCode(200).body("hits", equalTo(52));
    List<String> kept = response.path("decisionIds");
    assertEquals(decisions.subList(2, 52).stream().map(UUID::toString).toList(), kept);
  }

  @Test
  void supportResolvesACaseOnceAndALaterHitOpensANewOne() {
    UUID user = UUID.randomUUID();
    UUID caseId = qualifyingHit(user);
    UUID supportId = UUID.randomUUID();
    String token = TestTokens.user(supportId, "user", "support");

    as(token).body(Map.of("resolution", "REPORTED", "note", "Filed SAR 2026-118")).post(
        "/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(200)
        .body("status", equalTo("RESOLVED"))
        .body("resolution", equalTo("REPORTED"))
        .body("note", equalTo("Filed SAR 2026-118"))
        .body("resolvedBy", equalTo(supportId.toString()))
        .body("resolvedAt", notNullValue());

    as(TestTokens.admin()).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/" + caseId + "/resolve")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo(TYPE + "case-already-resolved"));
    as(token).get("/admin/v1/cases/" + caseId).then().body("resolution", equalTo("REPORTED"));

    UUID next = qualifyingHit(user);
    assertNotEquals(caseId, next);
    as(token).get("/admin/v1/cases/" + next).then().body("status", equalTo("OPEN")).body("hits", equalTo(1));
  }

  @Test
  void resolvingNeedsAKnownCaseAValidIdAndAKnownResolution() {
    UUID caseId = qualifyingHit(UUID.randomUUID());
    as(support()).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/" + UUID.randomUUID() + "/resolve")
        .then().statusCode(404).contentType(PROBLEM).body("type", equalTo(TYPE + "case-not-found"));
    as(support()).get("/admin/v1/cases/" + UUID.randomUUID()).then()
        .statusCode(404).body("type", equalTo(TYPE + "case-not-found"));
    as(support()).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/not-a-uuid/resolve").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-id"));
    as(support()).get("/admin/v1/cases/not-a-uuid").then().statusCode(400).body("type", equalTo(TYPE + "invalid-id"));
    as(support()).body(Map.of("resolution", "FORGOTTEN")).post("/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-resolution"));
    as(support()).body(Map.of("resolution", "CLEARED", "note", "n".repeat(2001)))
        .post("/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-note"));
    as(support()).body("{\"resolution\": [").post("/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "malformed-body"));
    as(support()).body("{\"resolution\": {\"a\": 1}}").post("/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(400).contentType(PROBLEM).body("type", equalTo(TYPE + "malformed-body"));
    as(support()).get("/admin/v1/cases/" + caseId).then().body("status", equalTo("OPEN"));
  }

  @Test
  void casesAreListedNewestFirstInPagesFilteredByUserAndStatus() {
    UUID user = UUID.randomUUID();
    String token = support();
    UUID oldest = qualifyingHit(user);
    as(token).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/" + oldest + "/resolve").then()
        .statusCode(200);
    UUID middle = qualifyingHit(user);
    as(token).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/" + middle + "/resolve").then()
        .statusCode(200);
    UUID newest = qualifyingHit(user);

    Response first = as(token).queryParam("userId", user.toString()).queryParam("limit", 2).get("/admin/v1/cases");
    first.then().statusCode(200)
        .body("items.id", equalTo(List.of(newest.toString(), middle.toString())))
        .body("nextCursor", notNullValue());
    as(token).queryParam("userId", user.toString()).queryParam("limit", 2)
        .queryParam("cursor", first.path("nextCursor").toString()).get("/admin/v1/cases").then()
        .statusCode(200)
        .body("items.id", equalTo(List.of(oldest.toString())))
        .body("nextCursor", nullValue());

    as(token).queryParam("userId", user.toString()).queryParam("status", "RESOLVED").get("/admin/v1/cases").then()
        .statusCode(200).body("items.id", equalTo(List.of(middle.toString(), oldest.toString())));
    as(token).queryParam("userId", user.toString()).queryParam("status", "OPEN").get("/admin/v1/cases").then()
        .statusCode(200).body("items.id", equalTo(List.of(newest.toString())));
    Response open = as(token).queryParam("status", "OPEN").queryParam("limit", 100).get("/admin/v1/cases");
    List<String> statuses = open.path("items.status");
    assertTrue(statuses.stream().allMatch("OPEN"::equals), statuses.toString());

    as(token).queryParam("status", "CLOSED").get("/admin/v1/cases").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-status"));
    as(token).queryParam("userId", "nobody").get("/admin/v1/cases").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-id"));
    as(token).queryParam("cursor", "bm90LWEtY3Vyc29y").get("/admin/v1/cases").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-cursor"));
    as(token).queryParam("limit", 101).get("/admin/v1/cases").then()
        .statusCode(400).body("type", equalTo(TYPE + "invalid-limit"));
  }

  @Test
  void casesNeedAnAdminOrSupportToken() {
    UUID caseId = qualifyingHit(UUID.randomUUID());
    String user = TestTokens.user(UUID.randomUUID(), "user");
    as(user).get("/admin/v1/cases").then().statusCode(403).contentType(PROBLEM);
    as(user).get("/admin/v1/cases/" + caseId).then().statusCode(403);
    as(user).body(Map.of("resolution", "CLEARED")).post("/admin/v1/cases/" + caseId + "/resolve").then()
        .statusCode(403);
    given().accept(ContentType.JSON).get("/admin/v1/cases").then().statusCode(401).contentType(PROBLEM);
    as(TestTokens.admin()).get("/admin/v1/cases/" + caseId).then().statusCode(200);
    as(support()).get("/admin/v1/cases/" + caseId).then().statusCode(200).body("status", equalTo("OPEN"));
  }

  @Test
  void theWindowIsDescribedInWords() {
    assertEquals("7 days", AmlService.inWords(java.time.Duration.ofDays(7)));
    assertEquals("day", AmlService.inWords(java.time.Duration.ofDays(1)));
    assertEquals("36 hours", AmlService.inWords(java.time.Duration.ofHours(36)));
    assertEquals(0, AmlService.exponent("JPY"));
    assertEquals(2, AmlService.exponent("EUR"));
  }
}
