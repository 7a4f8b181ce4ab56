package io.farthing.auth.client;

import static io.farthing.auth.support.AccountsFixtures.tokenRequest;
import static io.farthing.auth.support.Api.claims;
import static io.farthing.testing.Grpc.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.support.AccountsFixtures.Client;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.proto.auth.v1.AuthGrpc;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.testing.Sql;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Internal clients bootstrapped from auth.bootstrap-clients: payments-svc is configured in this
 * instance's profile and must exist from the start; "a restart with other configuration" runs
 * the same start-up code ({@link BootstrapClients#apply}) with another map, under ids of its own.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(BootstrapClientsTest.Configured.class)
class BootstrapClientsTest {
  static final String PAYMENTS_SECRET = "payments-secret-from-config-0123456789";

  public static class Configured implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // The scopes of payments-svc are application.properties' defaults; ledger-svc has no secret.
      return Map.of(
          "auth.bootstrap-clients.\"payments-svc\".secret", PAYMENTS_SECRET,
          "auth.bootstrap-clients.\"ledger-svc\".scopes", "payments:read");
    }
  }

  /** One entry of auth.bootstrap-clients, as the config mapping would give it. */
  record Entry(Optional<String> secret, Optional<List<String>> scopes) implements AuthConfig.BootstrapClient {
    static Entry of(String secret, String... scopes) {
      return new Entry(Optional.ofNullable(secret), Optional.of(List.of(scopes)));
    }
  }

  @Inject BootstrapClients bootstrap;
  @Inject ClientService clients;
  @GrpcClient("auth") AuthGrpc.AuthBlockingStub grpc;

  @Test
  void paymentsSvcExistsFromTheStartAndGetsATokenWithItsConfiguredScopes() {
    Client payments = new Client("payments-svc", PAYMENTS_SECRET);
    String token = tokenRequest(payments, Map.of("grant_type", "client_credentials")).then()
        .statusCode(200)
        .body("scope", equalTo("auth:internal notify:publish risk:report risk:score"))
        .extract().path("access_token");
    assertEquals("payments-svc", claims(token).getString("sub"));
    assertTrue(claims(token).getList("groups").containsAll(List.of("auth:internal", "risk:score", "risk:report")));

    // The token is what payments-svc presents to the Auth gRPC API.
    String userId = Api.aUser().id();
    assertEquals(UserStatus.USER_STATUS_ACTIVE,
        withToken(grpc, token).getUser(GetUserRequest.newBuilder().setUserId(userId).build()).getStatus());

    Object[] row = Sql.row("SELECT secret_hash, scopes, status FROM api_clients WHERE id = ?1", "payments-svc");
    assertEquals(Secrets.sha256Hex(PAYMENTS_SECRET), row[0]);
    assertEquals("auth:internal notify:publish risk:report risk:score", row[1]);
    assertEquals("ACTIVE", row[2]);
    assertEquals(1, auditCount(ClientService.CREATED, "payments-svc"));
  }

  @Test
  void anEntryWithoutASecretIsNotBootstrapped() {
    assertEquals(0, Sql.count("SELECT count(*) FROM api_clients WHERE id = ?1", "ledger-svc"));
  }

  @Test
  void restartingWithAChangedSecretRetiresTheOldOneAtOnce() throws Throwable {
    String id = aServiceName();
    String first = aSecret();
    String second = aSecret();
    bootstrap.apply(Map.of(id, Entry.of(first, "auth:internal")));
    tokenRequest(new Client(id, first), grant()).then().statusCode(200);

    bootstrap.apply(Map.of(id, Entry.of(second, "auth:internal")));
    tokenRequest(new Client(id, first), grant()).then().statusCode(401).body("error", equalTo("invalid_client"));
    tokenRequest(new Client(id, second), grant()).then().statusCode(200).body("scope", equalTo("auth:internal"));

    // Starting again with the same configuration changes nothing and audits nothing more.
    bootstrap.apply(Map.of(id, Entry.of(second, "auth:internal")));
    assertEquals(1, auditCount(ClientService.CREATED, id));
    assertEquals(1, auditCount(ClientService.SECRET_ROTATED, id));
    assertEquals(0, auditCount(ClientService.SCOPES_CHANGED, id));
    assertEquals(1, Sql.count("SELECT count(*) FROM api_clients WHERE id = ?1", id));
  }

  @Test
  void theServiceMethodReportsWhatItDid() {
    String id = aServiceName();
    String secret = aSecret();
    assertEquals(ClientService.Reconciled.CREATED, reconcile(id, secret, List.of("risk:score")));
    assertEquals(ClientService.Reconciled.UNCHANGED, reconcile(id, secret, List.of("risk:score")));
    assertEquals(ClientService.Reconciled.UPDATED, reconcile(id, aSecret(), List.of("risk:score")));
    assertEquals(ClientService.Reconciled.UPDATED, reconcile(id, secret, List.of("risk:score", "risk:report")));
  }

  @Test
  void changedScopesReplaceTheOldOnes() throws Throwable {
    String id = aServiceName();
    String secret = aSecret();
    bootstrap.apply(Map.of(id, Entry.of(secret, "auth:internal", "risk:score")));
    bootstrap.apply(Map.of(id, Entry.of(secret, "risk:report")));

    tokenRequest(new Client(id, secret), grant()).then().statusCode(200).body("scope", equalTo("risk:report"));
    tokenRequest(new Client(id, secret), Map.of("grant_type", "client_credentials", "scope", "auth:internal"))
        .then().statusCode(400).body("error", equalTo("invalid_scope"));
    assertEquals(1, auditCount(ClientService.SCOPES_CHANGED, id));
    assertEquals(0, auditCount(ClientService.SECRET_ROTATED, id));
  }

  @Test
  void theConfigurationWinsOverAnAdminsRotationAndEndsItsGracePeriod() throws Throwable {
    String id = aServiceName();
    String configured = aSecret();
    bootstrap.apply(Map.of(id, Entry.of(configured, "auth:internal")));
    String rotated = Sql.await(() -> clients.rotateSecret(id, 3600L, new io.farthing.auth.audit.AuditLog.Actor(
        "admin", "test"), io.farthing.auth.audit.Origin.INTERNAL)).clientSecret();

    bootstrap.apply(Map.of(id, Entry.of(configured, "auth:internal")));
    tokenRequest(new Client(id, configured), grant()).then().statusCode(200);
    tokenRequest(new Client(id, rotated), grant()).then().statusCode(401);
    assertNull(Sql.row("SELECT previous_secret_hash, id FROM api_clients WHERE id = ?1", id)[0]);
  }

  @Test
  void aDisabledClientStaysDisabled() throws Throwable {
    String id = aServiceName();
    String secret = aSecret();
    bootstrap.apply(Map.of(id, Entry.of(secret, "auth:internal")));
    Sql.await(() -> clients.disable(id, new io.farthing.auth.audit.AuditLog.Actor("admin", "test"),
        io.farthing.auth.audit.Origin.INTERNAL));

    bootstrap.apply(Map.of(id, Entry.of(secret, "auth:internal")));
    tokenRequest(new Client(id, secret), grant()).then().statusCode(401).body("error", equalTo("invalid_client"));
    assertEquals("DISABLED", Sql.row("SELECT status, id FROM api_clients WHERE id = ?1", id)[0]);
  }

  @Test
  void replicasStartingTogetherCreateTheClientOnce() throws Exception {
    String id = aServiceName();
    String secret = aSecret();
    int replicas = 6;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<ClientService.Reconciled>> starts = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        Callable<ClientService.Reconciled> start = () -> {
          go.await();
          return reconcile(id, secret, List.of("auth:internal", "risk:score"));
        };
        starts.add(pool.submit(start));
      }
      go.countDown();
      List<ClientService.Reconciled> outcomes = new ArrayList<>();
      for (Future<ClientService.Reconciled> start : starts) {
        outcomes.add(start.get()); // none of them fails
      }
      assertEquals(1, outcomes.stream().filter(o -> o == ClientService.Reconciled.CREATED).count(), outcomes::toString);
      assertEquals(replicas - 1, outcomes.stream().filter(o -> o == ClientService.Reconciled.UNCHANGED).count());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, Sql.count("SELECT count(*) FROM api_clients WHERE id = ?1", id));
    assertEquals(1, auditCount(ClientService.CREATED, id));
    tokenRequest(new Client(id, secret), grant()).then().statusCode(200);
  }

  @Test
  void badConfigurationIsRefusedNamingTheKeyButNeverTheSecret() {
    String shortSecret = "only-23-characters-long";
    assertEquals(23, shortSecret.length());
    String goodSecret = aSecret();
    String good = aServiceName();
    Map<String, String> cases = Map.of(
        aServiceName(), "secret must be at least 24 characters",
        "Payments_SVC", "client id must be a service name",
        "x", "client id must be a service name",
        "01234567-89ab-cdef-0123-456789abcdef", "client id must be a service name");
    for (var bad : cases.entrySet()) {
      String secret = bad.getValue().startsWith("secret") ? shortSecret : goodSecret;
      // A good entry beside the bad one is not applied either: every entry is checked first.
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> bootstrap.apply(Map.of(
          good, Entry.of(goodSecret, "auth:internal"),
          bad.getKey(), Entry.of(secret, "auth:internal"))));
      assertTrue(refused.getMessage().contains("auth.bootstrap-clients.\"" + bad.getKey() + "\""), refused.getMessage());
      assertTrue(refused.getMessage().contains(bad.getValue()), refused.getMessage());
      assertFalse(refused.getMessage().contains(secret));
      assertFalse(refused.getMessage().contains(goodSecret));
    }

    IllegalStateException unknownScope = assertThrows(IllegalStateException.class,
        () -> bootstrap.apply(Map.of(good, Entry.of(goodSecret, "auth:internal", "payments:everything"))));
    assertTrue(unknownScope.getMessage().contains("scope 'payments:everything' is unknown"), unknownScope.getMessage());
    IllegalStateException noScopes = assertThrows(IllegalStateException.class,
        () -> bootstrap.apply(Map.of(good, new Entry(Optional.of(goodSecret), Optional.empty()))));
    assertTrue(noScopes.getMessage().contains("scopes must name at least one scope"), noScopes.getMessage());
    assertEquals(0, Sql.count("SELECT count(*) FROM api_clients WHERE id = ?1", good));

    // The service method refuses the same, whoever calls it.
    assertThrows(IllegalArgumentException.class, () -> clients.reconcileConfigured(good, shortSecret, List.of("auth:internal")));
    assertThrows(IllegalArgumentException.class, () -> clients.reconcileConfigured(good, goodSecret, List.of("root")));
  }

  @Test
  void theLimitsOfAConfiguredClient() {
    assertTrue(ClientService.configuredClientProblems("payments-svc", "x".repeat(24), List.of("auth:internal")).isEmpty());
    assertTrue(ClientService.configuredClientProblems("fcl_" + "0".repeat(32), "x".repeat(24), List.of("risk:score")).isEmpty());
    assertEquals(1, ClientService.configuredClientProblems("payments-svc", "x".repeat(23), List.of("auth:internal")).size());
    assertEquals(1, ClientService.configuredClientProblems("payments-svc", "x".repeat(257), List.of("auth:internal")).size());
    assertEquals(1, ClientService.configuredClientProblems("payments-svc", " " + "x".repeat(30), List.of("auth:internal")).size());
    assertEquals(1, ClientService.configuredClientProblems("payments--svc", "x".repeat(24), List.of("auth:internal")).size());
    assertEquals(1, ClientService.configuredClientProblems("payments-svc-", "x".repeat(24), List.of("auth:internal")).size());
    assertEquals(1, ClientService.configuredClientProblems("a".repeat(64), "x".repeat(24), List.of("auth:internal")).size());
    assertEquals(3, ClientService.configuredClientProblems("BAD", "short", List.of()).size());
  }

  private ClientService.Reconciled reconcile(String id, String secret, List<String> scopes) {
    return Sql.await(() -> clients.reconcileConfigured(id, secret, scopes));
  }

  private static Map<String, String> grant() {
    return Map.of("grant_type", "client_credentials");
  }

  /** A fresh service-name client id, so tests never share a client. */
  private static String aServiceName() {
    return "test-svc-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String aSecret() {
    return Secrets.newToken("cfg_", 24);
  }

  private static long auditCount(String action, String clientId) {
    return Sql.count(
        "SELECT count(*) FROM audit_events WHERE action = ?1 AND details LIKE ?2 AND outcome = 'SUCCESS'"
            + " AND actor_type = 'system'",
        action, clientId + " %");
  }
}
