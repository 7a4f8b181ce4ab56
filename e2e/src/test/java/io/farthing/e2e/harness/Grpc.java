package io.farthing.e2e.harness;

import com.google.rpc.ErrorInfo;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.Callable;

/** Reading gRPC refusals the way a partner does: the status code and ErrorInfo's reason. */
public final class Grpc {
  private Grpc() {}

  /** A call's outcome: its answer, or the code and reason it was refused with. */
  public record Outcome<T>(T value, Status.Code code, String reason, String description) {
    public boolean ok() {
      return value != null;
    }

    @Override
    public String toString() {
      return ok() ? "OK" : code + (reason == null ? "" : " " + reason) + (description == null ? "" : " (" + description + ")");
    }
  }

  public static <T> Outcome<T> attempt(Callable<T> call) {
    try {
      return new Outcome<>(call.call(), Status.Code.OK, null, null);
    } catch (StatusRuntimeException e) {
      return new Outcome<>(null, e.getStatus().getCode(), reason(e), e.getStatus().getDescription());
    } catch (Exception e) {
      throw new AssertionError("call failed outside gRPC: " + e, e);
    }
  }

  /** The google.rpc.ErrorInfo reason of a refusal, or null. */
  public static String reason(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    for (var any : status.getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        try {
          return any.unpack(ErrorInfo.class).getReason();
        } catch (Exception unreadable) {
          return null;
        }
      }
    }
    return null;
  }

  public static Money eur(long amountMinor) {
    return Money.newBuilder().setAmountMinor(amountMinor).setCurrency(Platform.EUR).build();
  }
}
