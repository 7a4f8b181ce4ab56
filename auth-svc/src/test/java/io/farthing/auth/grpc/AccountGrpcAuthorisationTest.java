package io.farthing.auth.grpc;

import static io.farthing.auth.support.AccountsFixtures.aClient;
import static io.farthing.auth.support.AccountsFixtures.anAdminToken;
import static io.farthing.auth.support.AccountsFixtures.partnerToken;
import static io.farthing.testing.Grpc.reason;
import static io.farthing.testing.Grpc.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The account RPCs need scope auth:internal. gRPC is served on the HTTP port, and these tests
 * show @RolesAllowed on AuthGrpcService is enforced there, with UNAUTHENTICATED for a missing or
 * invalid token and PERMISSION_DENIED for a valid token without the scope.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class AccountGrpcAuthorisationTest {

  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;

  /** Each account RPC, called with a syntactically valid request. */
  private static List<Consumer<AuthGrpc.AuthBlockingStub>> accountRpcs(String userId) {
    return List.of(
        stub -> stub.getUser(GetUserRequest.newBuilder().setUserId(userId).build()),
        stub -> stub.getSecurityLevel(GetSecurityLevelRequest.newBuilder().setUserId(userId).build()),
        stub -> stub.checkConsent(CheckConsentRequest.newBuilder()
            .setUserId(userId)
            .setPartnerClientId("fcl_" + UUID.randomUUID().toString().replace("-", ""))
            .setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EUR"))
            .build()));
  }

  @Test
  void callsWithoutATokenAreUnauthenticated() {
    for (var rpc : accountRpcs(Api.aUser().id())) {
      assertRefused(Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED", () -> rpc.accept(grpc));
    }
  }

  @Test
  void callsWithATamperedOrGarbageTokenAreUnauthenticated() {
    String genuine = partnerToken(aClient(anAdminToken(), "auth:internal"));
    String tampered = genuine.substring(0, genuine.length() - 4) + "AAAA";
    for (var rpc : accountRpcs(Api.aUser().id())) {
      assertRefused(Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED",
          () -> rpc.accept(withToken(grpc, "not-a-jwt")));
      assertRefused(Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED",
          () -> rpc.accept(withToken(grpc, tampered)));
    }
  }

  @Test
  void aUsersOwnTokenIsPermissionDenied() {
    Api.TestUser person = Api.aUser();
    String token = Api.signIn(person).accessToken();
    for (var rpc : accountRpcs(person.id())) {
      assertRefused(Status.Code.PERMISSION_DENIED, "FORBIDDEN", () -> rpc.accept(withToken(grpc, token)));
    }
  }

  @Test
  void aPartnerTokenWithoutAuthInternalIsPermissionDenied() {
    String token = partnerToken(aClient(anAdminToken(), "payments:charge", "payments:read", "payments:refund"));
    for (var rpc : accountRpcs(Api.aUser().id())) {
      assertRefused(Status.Code.PERMISSION_DENIED, "FORBIDDEN", () -> rpc.accept(withToken(grpc, token)));
    }
  }

  @Test
  void anInternalClientsTokenFromTheTokenEndpointIsServed() {
    String token = partnerToken(aClient(anAdminToken(), "auth:internal"));
    Api.TestUser person = Api.aUser();
    User user = withToken(grpc, token).getUser(GetUserRequest.newBuilder().setUserId(person.id()).build());
    assertEquals(UserStatus.USER_STATUS_ACTIVE, user.getStatus());
  }

  private static void assertRefused(Status.Code code, String reason, Runnable call) {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, failure.getStatus().getCode());
    assertEquals(reason, reason(failure));
  }
}
