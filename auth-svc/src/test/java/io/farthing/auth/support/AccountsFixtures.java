package io.farthing.auth.support;

import static io.farthing.auth.support.Api.as;
import static io.restassured.RestAssured.given;

import io.farthing.auth.token.TokenIssuer;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Builders for the account features' tests: admins, API clients, tokens, gRPC metadata. */
public final class AccountsFixtures {
  private AccountsFixtures() {}

  public record Client(String clientId, String clientSecret) {}

  /**
   * Every test calls from 127.0.0.1 and so shares the per-IP rate-limit windows (30 sign-ins a
   * minute); each test starts with fresh windows instead of depending on what ran before it.
   * Only this test Redis database (FARTHING_TEST_REDIS_DB) is touched.
   */
  public static void resetRateLimits() {
    RedisDataSource redis = Arc.container().instance(RedisDataSource.class).get();
    List<String> keys = redis.key().keys("auth:rl:*");
    if (!keys.isEmpty()) {
      redis.key().del(keys.toArray(String[]::new));
    }
  }

  /** A fresh administrator: registered, promoted in the database, then signed in again. */
  public static String anAdminToken() {
    Api.TestUser user = Api.aUser();
    Sql.update("UPDATE users SET roles = 'user,admin' WHERE id = ?1", UUID.fromString(user.id()));
    return Api.signIn(user).accessToken();
  }

  public static Response createClient(String adminToken, String name, List<String> scopes) {
    return as(adminToken).body(Map.of("name", name, "scopes", scopes)).post("/admin/v1/clients");
  }

  public static Client aClient(String adminToken, String... scopes) {
    Response created = createClient(adminToken, "Partner " + UUID.randomUUID(), List.of(scopes));
    created.then().statusCode(201);
    return new Client(created.path("clientId"), created.path("clientSecret"));
  }

  /** POST /oauth2/token with HTTP Basic client authentication. */
  public static Response tokenRequest(Client client, Map<String, String> form) {
    return given()
        .auth()
        .preemptive()
        .basic(client.clientId(), client.clientSecret())
        .contentType("application/x-www-form-urlencoded")
        .formParams(form)
        .post("/oauth2/token");
  }

  public static String partnerToken(Client client) {
    return tokenRequest(client, Map.of("grant_type", "client_credentials"))
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
  }

  /** A token with scope auth:internal, as payments-svc would hold. */
  public static String internalToken(TokenIssuer issuer) {
    return await(() -> issuer.partnerAccessToken("test-internal", Set.of("auth:internal"))).token();
  }

  public static AuthGrpc.AuthBlockingStub withBearer(AuthGrpc.AuthBlockingStub stub, String token) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The google.rpc.ErrorInfo reason a gRPC error carries, or null. */
  public static String reasonOf(io.grpc.StatusRuntimeException failure) {
    com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(failure);
    if (status == null) {
      return null;
    }
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      if (detail.is(com.google.rpc.ErrorInfo.class)) {
        try {
          return detail.unpack(com.google.rpc.ErrorInfo.class).getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    return null;
  }

  /** The claims of a JWT, read without verifying it (the service under test verified it). */
  public static JsonPath claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  private static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
    try {
      return VertxContextSupport.subscribeAndAwait(work);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
