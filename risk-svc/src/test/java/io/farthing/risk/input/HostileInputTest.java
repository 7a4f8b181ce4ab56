package io.farthing.risk.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.risk.support.Payments.aTopUp;
import static io.farthing.risk.support.Payments.eur;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.rest.Problem;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.GetDecisionRequest;
import io.farthing.proto.risk.v1.Outcome;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.risk.support.RiskTestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import java.util.List;
import java.util.Map;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  static RequestSpecification asAdmin() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON)
        .header("Authorization", "Bearer " + TestTokens.admin());
  }

  static String uniqueRuleId() {
    return "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @GrpcClient("risk")
  RiskGrpc.RiskBlockingStub plain;

  RiskGrpc.RiskBlockingStub risk() {
    return withToken(plain, TestTokens.client("fcl_payments-svc", "risk:score", "risk:report"));
  }

  static final long[] HUGE = {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2 + 1};

  /**
   * Amounts up to int64's maximum, in every channel and again and again for one user, so the
   * window sums, the amount statistics, the structuring check and the risk budget all see them:
   * every call is answered (scored and stored), none is INTERNAL.
   */
  @Test
  void theLargestAmountsAreScoredInEveryChannelAndSumsDoNotOverflow() {
    UUID user = UUID.randomUUID();
    UUID friend = UUID.randomUUID();
    for (int round = 0; round < 3; round++) {
      for (long amount : HUGE) {
        List<ScoreRequest> requests =
            List.of(
                aPayment(user).setAmount(eur(amount)).build(),
                aTopUp(user, amount).build(),
                aPayment(user).setChannel(Channel.CHANNEL_P2P).clearMerchantId().setMerchantCategory("")
                    .setCounterpartyUserId(friend.toString()).setAmount(eur(amount)).build());
        for (ScoreRequest request : requests) {
          ScoreResponse scored = risk().score(request);
          assertFalse(scored.getDecisionId().isEmpty(), request.getChannel() + " " + amount);
          Map<String, String> features =
              risk().getDecision(GetDecisionRequest.newBuilder().setDecisionId(scored.getDecisionId()).build()).getFeaturesMap();
          for (String sum : List.of("sum_1m", "sum_1h", "sum_24h", "near_limit_sum_7d", "risk_budget_used_minor")) {
            if (features.containsKey(sum)) {
              assertTrue(Long.parseLong(features.get(sum)) >= 0, sum + " = " + features.get(sum) + " " + features);
            }
          }
          // The window holds this payment: the sum reads as huge, so spend rules still fire on it.
          assertTrue(Long.parseLong(features.get("sum_24h")) > 1_000_000_000_000L, features.toString());
          risk().reportOutcome(ReportOutcomeRequest.newBuilder()
              .setDecisionId(scored.getDecisionId()).setOutcome(Outcome.OUTCOME_LEGITIMATE).build());
        }
      }
    }
    // And an ordinary payment after them is still scored.
    ScoreResponse after = risk().score(aPayment(user).build());
    assertFalse(after.getDecisionId().isEmpty());
  }

  @Test
  void aRuleNamingItsPointsTwiceIsMalformedAndNotStored() {
    String id = uniqueRuleId();
    String body =
        "{\"id\":\"" + id + "\",\"description\":\"dup\",\"points\":5,"
            + "\"conditions\":[{\"feature\":\"count_1h\",\"op\":\"GT\",\"value\":20,\"op\":\"LT\"}],\"points\":900}";

    asAdmin().body(body).post("/admin/v1/rules")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    assertEquals(0, Sql.count("select count(*) from rule_changes where rule_id = ?1", id));
    asAdmin().get("/admin/v1/rules/" + id).then().statusCode(404);
  }

  /** JSON escapes, written out: the body carries them as sent. */
  static final String NUL = "\\u0000";
  static final String LONE_SURROGATE = "\\uD800";

  @Test
  void aRuleDescriptionOrConditionValueWithNulOrALoneSurrogateIsInvalidCharacterAndNotStored() {
    for (String bad : new String[] {NUL, LONE_SURROGATE}) {
      String id = uniqueRuleId();
      asAdmin()
          .body("{\"id\":\"" + id + "\",\"description\":\"Test" + bad + "\",\"points\":5,"
              + "\"conditions\":[{\"feature\":\"count_1h\",\"op\":\"GT\",\"value\":20}]}")
          .post("/admin/v1/rules")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(Problem.typeFor("INVALID_CHARACTER")))
          .body("reason", equalTo("INVALID_CHARACTER"))
          .body("detail", org.hamcrest.Matchers.startsWith("description contains"));
      String other = uniqueRuleId();
      asAdmin()
          .body("{\"id\":\"" + other + "\",\"description\":\"Test\",\"points\":5,"
              + "\"conditions\":[{\"feature\":\"country\",\"op\":\"EQ\",\"value\":\"F" + bad + "\"}]}")
          .post("/admin/v1/rules")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("reason", equalTo("INVALID_CHARACTER"))
          .body("detail", org.hamcrest.Matchers.startsWith("conditions[0].value contains"));
      assertEquals(0, Sql.count("select count(*) from rule_changes where rule_id in (?1, ?2)", id, other));
    }
  }

  @Test
  void aScoreWithNulInAFieldIsInvalidCharacterAndNotStored() {
    String requestId = "nul-" + UUID.randomUUID();
    ScoreRequest request = aPayment(UUID.randomUUID()).setRequestId(requestId).setMerchantId("mer-\u0000").build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> risk().score(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("INVALID_CHARACTER", reason(e));
    assertEquals(0, Sql.count("select count(*) from decisions where request_id = ?1", requestId));
  }

  @Test
  void aScoreAtATimestampOutsideItsTypesRangeIsInvalidTimestampAndNotStored() {
    long[][] bad = {{Long.MAX_VALUE, 0}, {Long.MIN_VALUE, 0}, {253_402_300_800L, 0}, {1_700_000_000L, -1}, {1_700_000_000L, 1_000_000_000}};
    for (long[] t : bad) {
      String requestId = "ts-" + UUID.randomUUID();
      ScoreRequest request =
          aPayment(UUID.randomUUID()).setRequestId(requestId)
              .setAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(t[0]).setNanos((int) t[1])).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> risk().score(request));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(e), t[0] + "s " + t[1] + "ns: " + e.getStatus());
      assertEquals("INVALID_TIMESTAMP", reason(e));
      assertEquals(0, Sql.count("select count(*) from decisions where request_id = ?1", requestId));
    }
  }
}
