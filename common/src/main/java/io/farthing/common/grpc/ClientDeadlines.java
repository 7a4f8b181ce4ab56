package io.farthing.common.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enforces a call's deadline ({@code stub.withDeadlineAfter(...)}) on the client side, whatever
 * channel carries it. In Kubernetes the clients run on Quarkus' Vert.x gRPC client (the k8s
 * profile's {@code use-quarkus-grpc-client=true}, needed for Stork's periodic re-resolution), and
 * Vert.x gRPC 4.5's channel ignores {@code CallOptions} deadlines: without this a Score call to a
 * stuck risk-svc pod would wait for ever instead of falling back after {@code payments.risk.timeout}.
 * When the deadline passes the call is cancelled and the caller sees {@code DEADLINE_EXCEEDED},
 * exactly as with grpc-java's own channel.
 *
 * <p>Only where it is needed: grpc-java's channel (every client outside the k8s profile) enforces
 * deadlines itself, so unless {@code farthing.grpc.enforce-client-deadlines} is on (the k8s
 * profile sets it) calls pass straight through, with no second timer per call on the charge path
 * and no timer thread.
 */
@GlobalInterceptor
@ApplicationScoped
public class ClientDeadlines implements ClientInterceptor {
  /** Null when deadlines are left to the channel. */
  private final ScheduledExecutorService timer;

  public ClientDeadlines(
      @ConfigProperty(name = "farthing.grpc.enforce-client-deadlines", defaultValue = "false") boolean enforce) {
    this.timer =
        enforce
            ? Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "farthing-grpc-client-deadlines");
                  thread.setDaemon(true);
                  return thread;
                })
            : null;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    Deadline deadline = options.getDeadline();
    return timer == null || deadline == null ? call : new DeadlineCall<>(call, deadline, timer);
  }

  @PreDestroy
  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private static final class DeadlineCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Deadline deadline;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ScheduledFuture<?> expiry;

    DeadlineCall(ClientCall<Q, R> call, Deadline deadline, ScheduledExecutorService timer) {
      super(call);
      this.deadline = deadline;
      this.timer = timer;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      Listener<R> guarded =
          new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              if (!closed.get()) {
                super.onMessage(message);
              }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              ScheduledFuture<?> pending = expiry;
              if (pending != null) {
                pending.cancel(false);
              }
              if (closed.compareAndSet(false, true)) {
                super.onClose(status, trailers);
              }
            }
          };
      super.start(guarded, headers);
      expiry =
          timer.schedule(
              () -> {
                // The caller hears DEADLINE_EXCEEDED even if the channel never reports the cancel.
                if (closed.compareAndSet(false, true)) {
                  Status late = Status.DEADLINE_EXCEEDED.withDescription("client deadline " + deadline + " exceeded");
                  delegate().cancel(late.getDescription(), null);
                  listener.onClose(late, new Metadata());
                }
              },
              Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)),
              TimeUnit.NANOSECONDS);
    }
  }
}
