package io.farthing.bench.risk;

import io.farthing.bench.load.Target;
import io.farthing.proto.risk.v1.Reason;
import io.farthing.proto.risk.v1.RiskGrpc;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code farthing.risk.v1.Risk/Score} over gRPC: the async stub on a few plaintext HTTP/2
 * connections (calls spread round-robin over them), answers handled on the connections' event
 * loops. Verdicts are the outcomes; "degraded", "replayed" and each fired rule ("rule:ID"; for
 * DEGRADED, with the cause risk-svc gave) are counted as flags.
 */
public final class RiskScoreTarget implements Target {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel[] channels;
  private final RiskGrpc.RiskStub[] stubs;
  private final ScoreWorkload workload;
  private final long deadlineNanos;
  private final Metadata headers = new Metadata();

  public RiskScoreTarget(String hostPort, int channelCount, String token, ScoreWorkload workload, Duration deadline) {
    if (channelCount < 1 || channelCount > 64) {
      throw new IllegalArgumentException("channels must be 1..64, was " + channelCount);
    }
    this.workload = workload;
    this.deadlineNanos = deadline.toNanos();
    headers.put(AUTHORIZATION, "Bearer " + token);
    channels = new ManagedChannel[channelCount];
    stubs = new RiskGrpc.RiskStub[channelCount];
    for (int i = 0; i < channelCount; i++) {
      channels[i] = NettyChannelBuilder.forTarget(hostPort).usePlaintext().directExecutor().build();
      stubs[i] = RiskGrpc.newStub(channels[i])
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
  }

  /** One call, waited for: checks the target and the token before the run, and shows an answer. */
  public ScoreResponse probe(ScoreRequest request) {
    return RiskGrpc.newBlockingStub(channels[0])
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .score(request);
  }

  @Override
  public void call(long seq, Completion done) {
    ScoreRequest request = workload.next(seq);
    stubs[(int) (seq % stubs.length)]
        .withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
        .score(request, new Answer(done));
  }

  @Override
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("requestMix", workload.mix());
    d.put("requestMixNote", "generated requests by pattern, warm-up included; see ScoreWorkload");
    return d;
  }

  @Override
  public void close() {
    io.farthing.bench.load.Channels.shutdown(channels);
  }

  /** Maps one answer (or failure) to the run's outcome vocabulary. */
  private static final class Answer implements StreamObserver<ScoreResponse> {
    private final Completion done;

    Answer(Completion done) {
      this.done = done;
    }

    @Override
    public void onNext(ScoreResponse response) {
      int extra = (response.getDegraded() ? 1 : 0) + (response.getReplayed() ? 1 : 0);
      String[] flags = new String[response.getReasonsCount() + extra];
      int i = 0;
      if (response.getDegraded()) {
        flags[i++] = "degraded";
      }
      if (response.getReplayed()) {
        flags[i++] = "replayed";
      }
      for (Reason reason : response.getReasonsList()) {
        String cause = reason.getRuleId().equals("DEGRADED") ? reason.getFeaturesMap().get("cause") : null;
        // Why features were missing (Redis timeout, circuit open, ...) when risk-svc says so.
        flags[i++] = cause != null ? "rule:DEGRADED:" + cause : "rule:" + reason.getRuleId();
      }
      done.succeeded(verdict(response), flags);
    }

    @Override
    public void onError(Throwable failure) {
      Status status = Status.fromThrowable(failure);
      done.failed(status.getCode().name(), status.getDescription());
    }

    @Override
    public void onCompleted() {}
  }

  static String verdict(ScoreResponse response) {
    String name = response.getVerdict().name();
    return name.startsWith("VERDICT_") ? name.substring("VERDICT_".length()) : name;
  }
}
