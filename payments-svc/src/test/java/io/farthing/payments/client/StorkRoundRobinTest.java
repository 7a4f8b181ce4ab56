package io.farthing.payments.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.risk.v1.Verdict;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestJwks;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The risk client spread per call over every address of a service, as in Kubernetes with the
 * chart's Stork settings (name-resolver stork, DNS discovery of a headless Service). Here a static
 * address list of two real gRPC servers stands for the Service's two pods: one HTTP/2 connection per
 * pod, and each Score call goes to the next one.
 */
@QuarkusTest
@TestProfile(StorkRoundRobinTest.TwoRiskReplicas.class)
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class StorkRoundRobinTest {
  static final int CALLS = 40;

  @Inject RiskClient risk;

  @ConfigProperty(name = "quarkus.stork.risk.service-discovery.address-list")
  List<String> addresses;

  @Test
  void scoreCallsAlternateBetweenBothReplicas() {
    try (Replica one = new Replica(port(addresses.get(0)));
        Replica two = new Replica(port(addresses.get(1)))) {
      connect(one, two);
      for (int i = 0; i < CALLS; i++) {
        RiskDecision decision = risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10));
        assertFalse(decision.fallback(), "call " + i + " was answered by the fallback, not a replica");
      }
      assertSplit(one.calls.get(), two.calls.get());
    }
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  static void assertSplit(int first, int second) {
    assertEquals(CALLS, first + second, "every call reached one of the two replicas");
    // Round-robin over two ready connections: an even split.
    assertEquals(CALLS / 2, first, "calls per replica: " + first + " and " + second);
  }

  /**
   * The channel connects on first use, and a cold JVM's first handshake can outlast the test's
   * 500 ms Score deadline: call until both connections answer, then count from zero.
   */
  void connect(Replica one, Replica two) {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (one.calls.get() == 0 || two.calls.get() == 0) {
      assertTrue(System.nanoTime() < until, "both replicas should answer within 20 s: " + one.calls + "/" + two.calls);
      risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10));
    }
    one.calls.set(0);
    two.calls.set(0);
  }

  static ScoreRequest aScoreRequest() {
    String id = UUID.randomUUID().toString();
    return ScoreRequest.newBuilder()
        .setRequestId(id)
        .setUserId(UUID.randomUUID().toString())
        .setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EUR"))
        .setChannel(Channel.CHANNEL_IN_APP)
        .build();
  }

  /** One pod of risk-svc: a plain grpc-java server implementing farthing.risk.v1.Risk/Score. */
  static final class Replica implements AutoCloseable {
    final AtomicInteger calls = new AtomicInteger();
    private final Server server;

    Replica(int port) {
      try {
        server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(countingRisk(calls))
            .build()
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }

  /**
   * Score, counting its calls. Built from the method descriptor rather than by extending the
   * generated RiskImplBase: Quarkus would take such a class for one of the app's own gRPC services
   * and stop serving the in-app risk stand-in (FakeRisk) that the other tests call.
   */
  static ServerServiceDefinition countingRisk(AtomicInteger calls) {
    return ServerServiceDefinition.builder(RiskGrpc.SERVICE_NAME)
        .addMethod(
            RiskGrpc.getScoreMethod(),
            ServerCalls.asyncUnaryCall(
                (ScoreRequest request, StreamObserver<ScoreResponse> answer) -> {
                  calls.incrementAndGet();
                  answer.onNext(
                      ScoreResponse.newBuilder()
                          .setDecisionId(request.getRequestId())
                          .setVerdict(Verdict.VERDICT_ALLOW)
                          .setScore(10)
                          .build());
                  answer.onCompleted();
                }))
        .build();
  }

  /**
   * The chart's Stork settings for client "risk", with static discovery instead of DNS. The profile
   * only picks the two ports (it runs outside the application's class loader, so the servers are
   * started by the test itself).
   */
  public static class TwoRiskReplicas implements QuarkusTestProfile {
    private static final String ADDRESSES = "127.0.0.1:" + freePort() + ",127.0.0.1:" + freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>();
      for (String profile : List.of("", "%test.")) {
        config.put(profile + "quarkus.grpc.clients.risk.host", "risk");
        config.put(profile + "quarkus.grpc.clients.risk.name-resolver", "stork");
      }
      config.put("quarkus.stork.risk.service-discovery.type", "static");
      config.put("quarkus.stork.risk.service-discovery.address-list", ADDRESSES);
      return config;
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
