package io.farthing.common.grpc;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place a gRPC failure becomes a status: no or a bad token → UNAUTHENTICATED, a valid
 * token without the needed scope → PERMISSION_DENIED, domain refusals as {@link GrpcErrors} maps
 * them, anything else INTERNAL with an incident id and no internals. Every status carries a
 * google.rpc.ErrorInfo reason.
 */
@ApplicationScoped
public class GrpcExceptionHandler implements ExceptionHandlerProvider {

  @Override
  public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(
      ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
    return new ExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
        StatusRuntimeException status = (StatusRuntimeException) transform(failure);
        Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
        serverCall.close(status.getStatus(), trailers);
      }
    };
  }

  @Override
  public Throwable transform(Throwable failure) {
    if (failure instanceof ForbiddenException) {
      return GrpcErrors.status(Code.PERMISSION_DENIED, "FORBIDDEN", "This token may not perform this call");
    }
    if (failure instanceof UnauthorizedException || failure instanceof AuthenticationException) {
      return GrpcErrors.status(Code.UNAUTHENTICATED, "UNAUTHENTICATED", "A valid bearer token is required");
    }
    if (failure instanceof io.grpc.StatusException se) {
      return new StatusRuntimeException(se.getStatus(), se.getTrailers());
    }
    if (failure instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNKNOWN
        && sre.getCause() != null) {
      return transform(sre.getCause());
    }
    return GrpcErrors.toStatus(failure);
  }
}
