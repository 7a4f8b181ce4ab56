package io.farthing.auth.input;

import static io.farthing.auth.support.Api.json;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.auth.support.Api;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.Grpc;
import io.farthing.testing.Sql;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import io.farthing.common.rest.Problem;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";

  @Test
  void registeringWithTheEmailNamedTwiceIsMalformedAndCreatesNoAccount() {
    String first = Api.uniqueEmail();
    String second = Api.uniqueEmail();
    json()
        .body("{\"email\":\"" + first + "\",\"password\":\"" + Api.PASSWORD + "\",\"email\":\"" + second + "\"}")
        .post("/v1/users")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));

    Api.login(first, Api.PASSWORD).then().statusCode(401);
    Api.login(second, Api.PASSWORD).then().statusCode(401);
    // Neither address was taken: both register now.
    json().body(Map.of("email", first, "password", Api.PASSWORD)).post("/v1/users").then().statusCode(201);
    json().body(Map.of("email", second, "password", Api.PASSWORD)).post("/v1/users").then().statusCode(201);
  }

  /** JSON escapes, written out: the body carries them as sent. */
  static final String NUL = "\\u0000";
  static final String LONE_SURROGATE = "\\uD800";

  @Test
  void aDisplayNameWithNulOrALoneSurrogateIsInvalidCharacterAndCreatesNoAccount() {
    for (String bad : new String[] {NUL, LONE_SURROGATE}) {
      String email = Api.uniqueEmail();
      json()
          .body("{\"email\":\"" + email + "\",\"password\":\"" + Api.PASSWORD + "\",\"displayName\":\"Ann" + bad + "\"}")
          .post("/v1/users")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(Problem.typeFor("INVALID_CHARACTER")))
          .body("reason", equalTo("INVALID_CHARACTER"))
          .body("detail", startsWith("displayName contains"));
      json().body(Map.of("email", email, "password", Api.PASSWORD)).post("/v1/users").then().statusCode(201);
    }
  }

  @Test
  void aLoginEmailWithNulIsInvalidCharacterNotAnInternalError() {
    json().body("{\"email\":\"a" + NUL + "@example.test\",\"password\":\"" + Api.PASSWORD + "\"}")
        .post("/v1/auth/login")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("INVALID_CHARACTER"));
  }

  @Test
  void aClientIdWithNulAtTheTokenEndpointIsRefusedNotAnInternalError() {
    io.restassured.RestAssured.given()
        .contentType("application/x-www-form-urlencoded")
        .formParams(Map.of("grant_type", "client_credentials", "client_id", "fcl_a\u0000b".translateEscapes(),
            "client_secret", "x"))
        .post("/oauth2/token")
        .then()
        .statusCode(org.hamcrest.Matchers.both(org.hamcrest.Matchers.greaterThanOrEqualTo(400))
            .and(org.hamcrest.Matchers.lessThan(500)));
  }

  @GrpcClient("auth")
  AuthGrpc.AuthBlockingStub auth;

  @Inject TokenIssuer issuer;

  @Test
  void aChallengePurposeOrReasonWithNulIsInvalidCharacterAndOpensNothing() throws Throwable {
    String token = VertxContextSupport.subscribeAndAwait(
        () -> issuer.partnerAccessToken("payments-svc", Set.of(Scopes.AUTH_INTERNAL))).token();
    var internal = Grpc.withToken(auth, token);
    String user = Api.aUser().id();
    CreateChallengeRequest valid =
        CreateChallengeRequest.newBuilder()
            .setUserId(user)
            .setPurpose("charge:" + UUID.randomUUID())
            .setAmount(Money.newBuilder().setAmountMinor(250).setCurrency("EUR"))
            .addReasons("new merchant")
            .build();
    for (CreateChallengeRequest bad :
        List.of(valid.toBuilder().setPurpose("charge:\u0000").build(), valid.toBuilder().setReasons(0, "new\u0000").build())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> internal.createChallenge(bad));
      assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e), e.getStatus().toString());
      assertEquals("INVALID_CHARACTER", Grpc.reason(e));
    }
    assertEquals(0, Sql.count("select count(*) from challenges where user_id = ?1", UUID.fromString(user)));
  }
}
