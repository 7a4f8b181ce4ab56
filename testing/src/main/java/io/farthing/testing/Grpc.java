package io.farthing.testing;

import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/** Helpers for calling a service's gRPC API as a given caller and reading its errors. */
public final class Grpc {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private Grpc() {}

  /** The stub (blocking or Mutiny) sending {@code Authorization: Bearer <token>} on every call. */
  public static <T extends AbstractStub<T>> T withToken(T stub, String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  public static Status.Code code(Throwable failure) {
    return Status.fromThrowable(failure).getCode();
  }

  /** The google.rpc.ErrorInfo reason carried by a failed call, or null. */
  public static String reason(Throwable failure) {
    if (!(failure instanceof StatusRuntimeException sre)) {
      return null;
    }
    com.google.rpc.Status status = StatusProto.fromThrowable(sre);
    if (status == null) {
      return null;
    }
    return status.getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class))
        .map(any -> {
          try {
            return any.unpack(ErrorInfo.class).getReason();
          } catch (Exception e) {
            return null;
          }
        })
        .findFirst()
        .orElse(null);
  }
}
