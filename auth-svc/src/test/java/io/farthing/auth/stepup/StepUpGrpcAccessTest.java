package io.farthing.auth.stepup;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.signIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.auth.common.Scopes;
import io.farthing.auth.support.Api;
import io.farthing.testing.Grpc;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.MutinyAuthGrpc;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may call the step-up RPCs, and how bad requests are refused. */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class StepUpGrpcAccessTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("auth")
  MutinyAuthGrpc.MutinyAuthStub auth;

  @Inject TokenIssuer issuer;

  @Test
  void noTokenIsUnauthenticated() {
    Throwable failure = assertThrows(Throwable.class, () -> auth.createChallenge(request(aUser().id())).await().atMost(WAIT));
    assertEquals(Status.Code.UNAUTHENTICATED, Grpc.code(failure), String.valueOf(failure));
  }

  @Test
  void aUserTokenMayNotOpenChallenges() {
    Api.TestUser user = aUser();
    var asUser = Grpc.withToken(auth, signIn(user).accessToken());
    Throwable failure = assertThrows(Throwable.class, () -> asUser.createChallenge(request(user.id())).await().atMost(WAIT));
    assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(failure));
  }

  @Test
  void aPartnerWithoutTheInternalScopeMayNotOpenChallenges() {
    var asPartner = Grpc.withToken(auth, token("partner-x", Scopes.PAYMENTS_CHARGE));
    Throwable failure = assertThrows(Throwable.class, () -> asPartner.createChallenge(request(aUser().id())).await().atMost(WAIT));
    assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(failure));
  }

  @Test
  void aUserWithoutAnySecondFactorCannotBeChallenged() {
    var internal = Grpc.withToken(auth, token("payments-svc", Scopes.AUTH_INTERNAL));
    Throwable failure = assertThrows(Throwable.class, () -> internal.createChallenge(request(aUser().id())).await().atMost(WAIT));
    assertEquals(Status.Code.FAILED_PRECONDITION, Grpc.code(failure));
    assertEquals("NO_STEP_UP_METHOD", Grpc.reason(failure));
  }

  @Test
  void badRequestsAreInvalidArgumentWithAReason() {
    var internal = Grpc.withToken(auth, token("payments-svc", Scopes.AUTH_INTERNAL));
    String user = aUser().id();
    assertRefused(internal, CreateChallengeRequest.newBuilder().setUserId("not-a-uuid").setPurpose("charge:1").build(), "INVALID_ID");
    assertRefused(internal, CreateChallengeRequest.newBuilder().setUserId(user).build(), "MISSING_FIELD");
    assertRefused(internal, request(user).toBuilder().setAmount(Money.newBuilder().setAmountMinor(-5).setCurrency("EUR")).build(), "INVALID_AMOUNT");
    assertRefused(internal, request(user).toBuilder().setAmount(Money.newBuilder().setAmountMinor(5).setCurrency("XYZ")).build(), "INVALID_CURRENCY");
    assertRefused(internal, request(user).toBuilder().setPurpose("p".repeat(201)).build(), "INVALID_PURPOSE");
  }

  @Test
  void anUnknownUserIsNotFound() {
    var internal = Grpc.withToken(auth, token("payments-svc", Scopes.AUTH_INTERNAL));
    Throwable failure = assertThrows(Throwable.class,
        () -> internal.createChallenge(request(UUID.randomUUID().toString())).await().atMost(WAIT));
    assertEquals(Status.Code.NOT_FOUND, Grpc.code(failure));
    assertEquals("USER_NOT_FOUND", Grpc.reason(failure));
  }

  private static void assertRefused(MutinyAuthGrpc.MutinyAuthStub stub, CreateChallengeRequest request, String reason) {
    Throwable failure = assertThrows(Throwable.class, () -> stub.createChallenge(request).await().atMost(WAIT));
    assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(failure), reason);
    assertEquals(reason, Grpc.reason(failure));
  }

  private static CreateChallengeRequest request(String userId) {
    return CreateChallengeRequest.newBuilder()
        .setUserId(userId)
        .setPurpose("charge:" + UUID.randomUUID())
        .setAmount(Money.newBuilder().setAmountMinor(250).setCurrency("EUR"))
        .addReasons("new merchant")
        .build();
  }

  private String token(String clientId, String scope) {
    try {
      return VertxContextSupport.subscribeAndAwait(() -> issuer.partnerAccessToken(clientId, Set.of(scope))).token();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
