package io.farthing.bench.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.bench.load.LoadPlan;
import io.farthing.bench.load.LoadRunner;
import io.farthing.proto.risk.v1.Reason;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.risk.v1.Verdict;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC target against a stand-in Risk service on loopback. */
class RiskScoreTargetTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();
  private Server server;

  @BeforeEach
  void start() throws Exception {
    RiskGrpc.RiskImplBase risk = new RiskGrpc.RiskImplBase() {
      @Override
      public void score(ScoreRequest request, StreamObserver<ScoreResponse> answer) {
        if (request.getAmount().getAmountMinor() >= 90_000) {
          answer.onError(Status.INVALID_ARGUMENT.withDescription("too much for this fake").asRuntimeException());
          return;
        }
        boolean odd = request.getRequestId().hashCode() % 2 != 0;
        answer.onNext(ScoreResponse.newBuilder()
            .setVerdict(odd ? Verdict.VERDICT_CHALLENGE : Verdict.VERDICT_ALLOW)
            .setDegraded(odd)
            .addReasons(Reason.newBuilder().setRuleId("MODEL"))
            .build());
        answer.onCompleted();
      }
    };
    ServerInterceptor recordToken = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        tokensSeen.add(String.valueOf(headers.get(AUTHORIZATION)));
        return next.startCall(call, headers);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(risk, recordToken))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void drivesScoreWithTheTokenAndCountsVerdictsFlagsAndErrors() throws Exception {
    ScoreWorkload workload = new ScoreWorkload(2_000, 1, "t");
    try (RiskScoreTarget target = new RiskScoreTarget(
        "127.0.0.1:" + server.getPort(), 2, "tok", workload, Duration.ofSeconds(20))) {
      assertEquals(Verdict.VERDICT_ALLOW.getNumber() > 0, target.probe(workload.next(-1)).getVerdictValue() > 0);
      LoadPlan plan = new LoadPlan(1_000, 1_000, Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(20));
      LoadRunner.Outcome run = new LoadRunner(plan, target).run();

      var m = run.measured();
      assertEquals(1_000, m.ok() + m.failed());
      assertEquals(Set.of("Bearer tok"), tokensSeen);
      assertEquals(m.failed(), m.errors().getOrDefault("INVALID_ARGUMENT", 0L), "only the fake's refusals fail");
      if (m.failed() > 0) {
        assertEquals(java.util.List.of("too much for this fake"), m.errorExamples().get("INVALID_ARGUMENT"));
      }
      assertTrue(m.outcomes().get("ALLOW") > 300 && m.outcomes().get("CHALLENGE") > 300, "verdicts " + m.outcomes());
      assertEquals(m.ok(), m.flags().get("rule:MODEL"));
      assertEquals(m.outcomes().get("CHALLENGE"), m.flags().get("degraded"));
    }
  }

  @Test
  void anUnreachableTargetIsCountedAsUnavailable() throws Exception {
    int port = server.getPort();
    server.shutdownNow().awaitTermination();
    ScoreWorkload workload = new ScoreWorkload(100, 1, "u");
    try (RiskScoreTarget target = new RiskScoreTarget("127.0.0.1:" + port, 1, "tok", workload, Duration.ofMillis(500))) {
      LoadPlan plan = new LoadPlan(200, 16, Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(2));
      var m = new LoadRunner(plan, target).run().measured();
      assertEquals(0, m.ok());
      assertEquals(100, m.failed());
      assertTrue(m.errors().containsKey("UNAVAILABLE"), "errors " + m.errors());
    }
  }
}
