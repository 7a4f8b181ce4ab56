package io.farthing.bench.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.farthing.bench.load.Results;
import io.farthing.bench.load.Target;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CreateCharge target against a stand-in Payments service on loopback. */
class ChargeTargetTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Which token charged which user, and every idempotency key seen. */
  private final Map<String, Set<String>> tokensByUser = new ConcurrentHashMap<>();
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<String> currentToken = new ThreadLocal<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    PaymentsGrpc.PaymentsImplBase payments = new PaymentsGrpc.PaymentsImplBase() {
      @Override
      public void createCharge(CreateChargeRequest request, StreamObserver<Charge> answer) {
        tokensByUser.computeIfAbsent(request.getUserId(), k -> ConcurrentHashMap.newKeySet()).add(currentToken.get());
        keys.add(request.getIdempotencyKey());
        long amount = request.getAmount().getAmountMinor();
        if (amount % 10 == 0) {
          answer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
              .setCode(Code.FAILED_PRECONDITION_VALUE)
              .setMessage("The wallet does not hold enough")
              .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INSUFFICIENT_FUNDS").setDomain("payments.farthing.io").build()))
              .build()));
          return;
        }
        answer.onNext(Charge.newBuilder()
            .setChargeId(UUID.randomUUID().toString())
            .setStatus(amount % 10 == 1 ? ChargeStatus.CHARGE_STATUS_REQUIRES_ACTION : ChargeStatus.CHARGE_STATUS_SUCCEEDED)
            .setRiskDecisionId(amount % 10 == 2 ? "" : "dec-1")
            .build());
        answer.onCompleted();
      }
    };
    ServerInterceptor recordToken = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String token = headers.get(AUTHORIZATION);
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
          @Override
          public void onHalfClose() {
            currentToken.set(token);
            try {
              super.onHalfClose();
            } finally {
              currentToken.remove();
            }
          }
        };
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(payments, recordToken))
        .build()
        .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static List<ChargeSetup.Payer> payers(int n) {
    List<ChargeSetup.Payer> payers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payers.add(new ChargeSetup.Payer(UUID.randomUUID(), new ChargeSetup.Partner("own-" + i, "secret"), "u" + i + "@bench.test", "pw"));
    }
    return payers;
  }

  @Test
  void everyCallHasItsOwnKeyAndOutcomesAndRefusalsAreCountedByReason() throws Exception {
    List<ChargeSetup.Payer> payers = payers(50);
    ChargeTarget target = new ChargeTarget(List.of(channel, channel), payers, false, p -> "tok-" + p.clientId(),
        new ChargeSetup.Partner("shared", "s"), "k-", Duration.ofSeconds(20).toNanos());
    Results m = callAll(target, 200);

    assertEquals(200, m.ok() + m.failed());
    assertEquals(200, keys.size(), "one idempotency key per call");
    assertEquals(m.failed(), m.errors().getOrDefault("FAILED_PRECONDITION/INSUFFICIENT_FUNDS", 0L), "errors " + m.errors());
    assertTrue(m.outcomes().get("SUCCEEDED") > 0 && m.outcomes().get("REQUIRES_ACTION") > 0, "outcomes " + m.outcomes());
    assertTrue(m.flags().getOrDefault("risk-fallback", 0L) > 0, "flags " + m.flags());
    tokensByUser.values().forEach(tokens -> assertEquals(Set.of("Bearer tok-shared"), tokens));
    assertEquals(50, tokensByUser.size(), "every payer is charged");
  }

  @Test
  void withOwnMerchantsEachPayerIsChargedByItsOwnPartner() throws Exception {
    List<ChargeSetup.Payer> payers = payers(20);
    ChargeTarget target = new ChargeTarget(List.of(channel), payers, true, p -> "tok-" + p.clientId(),
        new ChargeSetup.Partner("shared", "s"), "k-", Duration.ofSeconds(20).toNanos());
    callAll(target, 60);

    for (int i = 0; i < payers.size(); i++) {
      assertEquals(Set.of("Bearer tok-own-" + i), tokensByUser.get(payers.get(i).userId().toString()));
    }
  }

  /** Calls 0..n-1 at once and waits for every answer (the target never blocks). */
  private static Results callAll(ChargeTarget target, int n) throws InterruptedException {
    Results results = new Results();
    CountDownLatch answered = new CountDownLatch(n);
    for (long seq = 0; seq < n; seq++) {
      long now = System.nanoTime();
      target.call(seq, new Target.Completion() {
        @Override
        public void succeeded(String outcome, String... flags) {
          results.succeeded(now, now, System.nanoTime(), outcome, flags);
          answered.countDown();
        }

        @Override
        public void failed(String code) {
          results.failed(code);
          answered.countDown();
        }
      });
    }
    assertTrue(answered.await(30, TimeUnit.SECONDS), "every call answered");
    return results;
  }

  @Test
  void amountsStayAboveOneEuroAndTheSameSeqGivesTheSameRequest() {
    ChargeTarget target = new ChargeTarget(List.of(channel), payers(3), false, p -> "t",
        new ChargeSetup.Partner("shared", "s"), "k-", 1);
    for (long seq = 0; seq < 10_000; seq++) {
      long amount = ChargeTarget.amount(seq);
      assertTrue(amount >= 101 && amount <= 300, "amount " + amount);
    }
    assertEquals(target.request(7), target.request(7));
    assertEquals(target.request(0).getUserId(), target.request(3).getUserId());
  }
}
