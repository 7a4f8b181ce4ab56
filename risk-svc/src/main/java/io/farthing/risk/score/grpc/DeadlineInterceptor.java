package io.farthing.risk.score.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Makes the caller's deadline (the {@code grpc-timeout} header) readable by the service method,
 * whichever gRPC server transport runs: Score shortens its Redis budget to fit inside it, so a
 * slow Redis gives a degraded answer the caller still receives, not DEADLINE_EXCEEDED.
 */
@ApplicationScoped
@GlobalInterceptor
public class DeadlineInterceptor implements ServerInterceptor {
  static final Context.Key<Deadline> DEADLINE = Context.key("farthing-deadline");
  private static final Metadata.Key<String> GRPC_TIMEOUT =
      Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      deadline = parse(headers.get(GRPC_TIMEOUT));
    }
    if (deadline == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(DEADLINE, deadline), call, headers, next);
  }

  /** Time left before the caller's deadline, or null when it set none. */
  static Duration remaining() {
    Deadline deadline = DEADLINE.get();
    if (deadline == null) {
      deadline = Context.current().getDeadline();
    }
    return deadline == null ? null : Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
  }

  /** grpc-timeout: up to 8 digits and a unit (H, M, S, m, u, n). */
  static Deadline parse(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return null;
    }
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return null;
    }
    TimeUnit unit =
        switch (value.charAt(value.length() - 1)) {
          case 'H' -> TimeUnit.HOURS;
          case 'M' -> TimeUnit.MINUTES;
          case 'S' -> TimeUnit.SECONDS;
          case 'm' -> TimeUnit.MILLISECONDS;
          case 'u' -> TimeUnit.MICROSECONDS;
          case 'n' -> TimeUnit.NANOSECONDS;
          default -> null;
        };
    return unit == null || amount < 0 ? null : Deadline.after(amount, unit);
  }
}
