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
import io.farthing.testing.FakeDns;
import io.farthing.testing.TestJwks;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The k8s profile's gRPC client settings, as the chart configures them (QUARKUS_PROFILE=prod,k8s plus
 * FARTHING_RISK_DISCOVERY_HOST, FARTHING_RISK_PORT, FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS under
 * those env names), running against real Stork DNS discovery. A small DNS server in the test stands
 * for the cluster DNS and a headless Service: it answers A queries for the risk name with the
 * addresses of the "pods" (real gRPC servers on 127.0.0.1, .2, .3, .4, all on one port, like pods
 * behind one Service port) and the test changes that answer as the HPA would. Real cluster DNS
 * cannot be reached here; what is proven is that our config reaches Stork (A records, a 1 s
 * refresh), and that the client mode re-resolves on its own and spreads calls per call.
 */
@QuarkusTest
@TestProfile(K8sDiscoveryTest.K8sProfile.class)
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class K8sDiscoveryTest {
  private static final Logger LOG = Logger.getLogger(K8sDiscoveryTest.class);
  static final String RISK_NAME = "farthing-risk-headless.farthing.svc.cluster.local";
  static final int CALLS = 40;
  static final long REFRESH_MS = 1000;

  @Inject RiskClient risk;

  @ConfigProperty(name = "FARTHING_RISK_PORT")
  int riskPort;

  @ConfigProperty(name = "quarkus.stork.risk.service-discovery.dns-servers")
  String dnsServer;

  @ConfigProperty(name = "quarkus.http.test-port")
  int appPort;

  @Test
  void callsSpreadOverReadyPodsAndFollowTheAnswerAsPodsComeAndGo() throws Exception {
    try (FakeDns dns = new FakeDns(port(dnsServer));
        Replica one = new Replica("127.0.0.1", riskPort, false);
        Replica two = new Replica("127.0.0.2", riskPort, false);
        Replica three = new Replica("127.0.0.3", riskPort, false);
        Replica stuck = new Replica("127.0.0.4", riskPort, true)) {
      // auth-svc and notify-svc stand-ins are served by the test app itself.
      dns.answer("farthing-auth-headless.farthing.svc.cluster.local", "127.0.0.1");
      dns.answer("farthing-notify-headless.farthing.svc.cluster.local", "127.0.0.1");
      dns.answer(RISK_NAME, "127.0.0.1", "127.0.0.2");

      // (a) two pods: every call reaches one of them, spread per call.
      warmUp(one, two);
      int[] split = callAndCount(CALLS, one, two, three);
      LOG.infof("two pods: %d / %d (third, not yet listed: %d)", split[0], split[1], split[2]);
      assertEquals(CALLS, split[0] + split[1], "every call reached a listed pod");
      assertEquals(0, split[2]);
      // Round-robin per call. Not an exact 20/20: each re-resolution (every second here) hands Stork a
      // fresh instance list, and the round-robin position can repeat a pod once at the switch.
      assertTrue(split[0] >= CALLS / 4 && split[1] >= CALLS / 4, "spread per call: " + split[0] + "/" + split[1]);
      assertEquals(0, one.unauthenticated.get() + two.unauthenticated.get(), "the service token rides every call");

      // (b) the HPA adds a pod: it gets calls within about two refresh periods, with no failure in between.
      dns.answer(RISK_NAME, "127.0.0.1", "127.0.0.2", "127.0.0.3");
      long added = System.nanoTime();
      long firstCallMs = untilCalled(three, 5_000);
      LOG.infof("added pod got its first call after %d ms", firstCallMs);
      assertTrue(firstCallMs <= 2 * REFRESH_MS + 1000, "new pod called after " + firstCallMs + " ms");
      int[] spread = callAndCount(30, one, two, three);
      LOG.infof("three pods: %d / %d / %d", spread[0], spread[1], spread[2]);
      assertEquals(30, spread[0] + spread[1] + spread[2]);
      assertTrue(spread[0] >= 5 && spread[1] >= 5 && spread[2] >= 5, "spread over three: " + List.of(spread[0], spread[1], spread[2]));

      // A pod that leaves the answer (scaled down, not ready) stops getting calls, though it still runs.
      dns.answer(RISK_NAME, "127.0.0.2", "127.0.0.3");
      long removed = System.nanoTime();
      long lastCallMs = untilNotCalled(one, 5_000, removed);
      LOG.infof("removed pod got its last call %d ms after removal", lastCallMs);
      assertTrue(lastCallMs <= 2 * REFRESH_MS + 1000, "removed pod still called " + lastCallMs + " ms later");
      int[] after = callAndCount(30, one, two, three);
      LOG.infof("after removal: %d / %d / %d", after[0], after[1], after[2]);
      assertEquals(0, after[0], "the removed pod gets no calls");
      assertEquals(30, after[1] + after[2]);

      // Our settings reached Stork: only A queries (record-type=A, not SRV), asked again every period.
      long seconds = Duration.ofNanos(System.nanoTime() - added).toSeconds();
      int riskQueries = dns.queries(RISK_NAME);
      LOG.infof("DNS: %d A queries for the risk name over the last %d s (+ warm-up), query types %s", riskQueries, seconds, dns.types);
      assertTrue(dns.types.stream().allMatch(t -> t == 1), "only A queries: " + dns.types);
      // The channel drops its list every period and Stork's cache expires after one: a look-up every
      // one to two seconds here. Stork's default refresh-period (5 min) would have asked once.
      assertTrue(riskQueries >= seconds / 2, riskQueries + " queries in " + seconds + " s: refresh-period not 1 s");

      // The deadline holds on this client: a pod that never answers costs the Score deadline, then the fallback.
      dns.answer(RISK_NAME, "127.0.0.4");
      Thread.sleep(2 * REFRESH_MS + 500);
      long start = System.nanoTime();
      RiskDecision decision = risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10));
      long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
      LOG.infof("stuck pod: fallback after %d ms (deadline 500 ms)", tookMs);
      assertEquals(1, stuck.calls.get(), "the call went to the stuck pod");
      assertTrue(decision.fallback(), "a late pod is answered by the fallback");
      assertTrue(tookMs < 1500, "fallback after " + tookMs + " ms");
    }
  }

  void warmUp(Replica one, Replica two) {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (one.calls.get() == 0 || two.calls.get() == 0) {
      assertTrue(System.nanoTime() < until, "both pods should answer within 20 s: " + one.calls + "/" + two.calls);
      risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10));
    }
  }

  int[] callAndCount(int calls, Replica... replicas) {
    for (Replica replica : replicas) {
      replica.calls.set(0);
    }
    for (int i = 0; i < calls; i++) {
      RiskDecision decision = risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10));
      assertFalse(decision.fallback(), "call " + i + " was answered by the fallback, not a pod");
    }
    int[] counts = new int[replicas.length];
    for (int i = 0; i < replicas.length; i++) {
      counts[i] = replicas[i].calls.get();
    }
    return counts;
  }

  /** Calls every 20 ms until {@code replica} answers one; the milliseconds that took. */
  long untilCalled(Replica replica, long maxMs) throws InterruptedException {
    replica.calls.set(0);
    long start = System.nanoTime();
    while (replica.calls.get() == 0) {
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(ms < maxMs, "no call within " + maxMs + " ms");
      assertFalse(risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10)).fallback());
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /** Calls every 20 ms for {@code windowMs}; when {@code replica} last got one, after {@code since}. */
  long untilNotCalled(Replica replica, long windowMs, long since) throws InterruptedException {
    long last = since;
    int seen = replica.calls.get();
    while (Duration.ofNanos(System.nanoTime() - since).toMillis() < windowMs) {
      assertFalse(risk.score(aScoreRequest()).await().atMost(Duration.ofSeconds(10)).fallback());
      if (replica.calls.get() != seen) {
        seen = replica.calls.get();
        last = System.nanoTime();
      }
      Thread.sleep(20);
    }
    return Duration.ofNanos(last - since).toMillis();
  }

  static int port(String hostAndPort) {
    return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
  }

  static ScoreRequest aScoreRequest() {
    return ScoreRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setUserId(UUID.randomUUID().toString())
        .setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EUR"))
        .setChannel(Channel.CHANNEL_IN_APP)
        .build();
  }

  /** One risk-svc pod: a grpc-java server on its own loopback address implementing farthing.risk.v1.Risk/Score. */
  static final class Replica implements AutoCloseable {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger unauthenticated = new AtomicInteger();
    private final Server server;

    Replica(String ip, int port, boolean neverAnswers) {
      try {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(ip, port))
            .addService(ServerInterceptors.intercept(countingRisk(calls, neverAnswers), requireToken(unauthenticated)))
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

  static ServerInterceptor requireToken(AtomicInteger missing) {
    Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String value = headers.get(authorization);
        if (value == null || !value.startsWith("Bearer ")) {
          missing.incrementAndGet();
        }
        return next.startCall(call, headers);
      }
    };
  }

  /**
   * Score, counting its calls. Built from the method descriptor rather than by extending the
   * generated RiskImplBase: Quarkus would take such a class for one of the app's own gRPC services.
   */
  static ServerServiceDefinition countingRisk(AtomicInteger calls, boolean neverAnswers) {
    return ServerServiceDefinition.builder(RiskGrpc.SERVICE_NAME)
        .addMethod(
            RiskGrpc.getScoreMethod(),
            ServerCalls.asyncUnaryCall(
                (ScoreRequest request, StreamObserver<ScoreResponse> answer) -> {
                  calls.incrementAndGet();
                  if (neverAnswers) {
                    return;
                  }
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
   * Activates the k8s profile after test (as QUARKUS_PROFILE=prod,k8s puts k8s last) and supplies
   * the chart's env names. Only the DNS server's address is test-only: in a pod Stork asks the
   * resolver of /etc/resolv.conf. Runs outside the application's class loader, so the servers are
   * started by the test itself on the ports picked here.
   */
  public static class K8sProfile implements QuarkusTestProfile {
    private static final int RISK_PORT = freePort();
    private static final int DNS_PORT = freePort();

    @Override
    public String getConfigProfile() {
      return "test,k8s";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> env = new HashMap<>();
      env.put("FARTHING_AUTH_DISCOVERY_HOST", "farthing-auth-headless.farthing.svc.cluster.local");
      env.put("FARTHING_AUTH_PORT", "${quarkus.http.test-port}");
      env.put("FARTHING_RISK_DISCOVERY_HOST", RISK_NAME);
      env.put("FARTHING_RISK_PORT", String.valueOf(RISK_PORT));
      env.put("FARTHING_NOTIFY_DISCOVERY_HOST", "farthing-notify-headless.farthing.svc.cluster.local");
      env.put("FARTHING_NOTIFY_PORT", "${quarkus.http.test-port}");
      env.put("FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS", "1");
      for (String client : List.of("auth", "risk", "notify")) {
        env.put("quarkus.stork." + client + ".service-discovery.dns-servers", "127.0.0.1:" + DNS_PORT);
      }
      return env;
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
