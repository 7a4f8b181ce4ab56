package io.farthing.bench.notify;

import com.google.protobuf.Timestamp;
import io.farthing.bench.load.Target;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.farthing.proto.notify.v1.PublishResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code farthing.notify.v1.Notify/Publish} as payments-svc's outbox relay calls it: one
 * charge.succeeded event per call for the benchmark's partner and one of {@code users} users,
 * each with a fresh event id and ordering key, amounts as exact integers in {@code data_json},
 * and its publication time ({@code benchPublishedAtMicros}) for the receiver's latency.
 */
public final class PublishTarget implements Target {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel[] channels;
  private final NotifyGrpc.NotifyStub[] stubs;
  private final String partner;
  private final UUID[] users;
  private final long deadlineNanos;

  public PublishTarget(String hostPort, int channelCount, String token, String partner, int userCount, Duration deadline) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    this.partner = partner;
    this.deadlineNanos = deadline.toNanos();
    this.users = new UUID[userCount];
    for (int i = 0; i < userCount; i++) {
      users[i] = UUID.randomUUID();
    }
    channels = new ManagedChannel[channelCount];
    stubs = new NotifyGrpc.NotifyStub[channelCount];
    for (int i = 0; i < channelCount; i++) {
      channels[i] = NettyChannelBuilder.forTarget(hostPort).usePlaintext().directExecutor().build();
      stubs[i] = NotifyGrpc.newStub(channels[i]).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
  }

  /** The event of call {@code seq}, stamped now. */
  Event event(long seq) {
    UUID user = users[(int) (seq % users.length)];
    UUID charge = UUID.randomUUID();
    Instant now = Instant.now();
    long amount = 5 + seq % 500;
    long fee = 1 + amount / 50;
    String data =
        "{\"chargeId\":\"" + charge + "\",\"userId\":\"" + user + "\",\"partnerClientId\":\"" + partner
            + "\",\"status\":\"SUCCEEDED\",\"currency\":\"EUR\",\"amountMinor\":" + amount + ",\"capturedMinor\":" + amount
            + ",\"refundedMinor\":0,\"feeMinor\":" + fee + ",\"netMinor\":" + (amount - fee)
            + ",\"description\":\"bench article\",\"benchPublishedAtMicros\":" + WebhookReceiver.nowMicros() + "}";
    return Event.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setType("charge.succeeded")
        .setUserId(user.toString())
        .setPartnerClientId(partner)
        .setOrderingKey("charge:" + charge)
        .setSequence(1)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setDataJson(data)
        .build();
  }

  @Override
  public void call(long seq, Completion done) {
    stubs[(int) (seq % stubs.length)]
        .withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
        .publish(
            PublishRequest.newBuilder().setEvent(event(seq)).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(PublishResponse response) {
                done.succeeded(response.getDuplicate() ? "DUPLICATE" : "ACCEPTED");
              }

              @Override
              public void onError(Throwable failure) {
                Status status = Status.fromThrowable(failure);
                done.failed(status.getCode().name(), status.getDescription());
              }

              @Override
              public void onCompleted() {}
            });
  }

  @Override
  public void close() {
    io.farthing.bench.load.Channels.shutdown(channels);
  }
}
