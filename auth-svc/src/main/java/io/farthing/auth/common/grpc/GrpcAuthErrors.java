package io.farthing.auth.common.grpc;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * How gRPC security refusals reach callers. Quarkus' default maps a call without any token
 * (UnauthorizedException, a SecurityException) to PERMISSION_DENIED; a caller that sent no
 * credentials is UNAUTHENTICATED, as for REST. Both carry an ErrorInfo reason like every other
 * auth-svc error. An enabled alternative, so it replaces Quarkus' provider wherever one is
 * injected (the security interceptor and the exception handler both look it up).
 */
@Singleton
@Alternative
@Priority(1)
public class GrpcAuthErrors implements AuthExceptionHandlerProvider {

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1;
  }

  @Override
  public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(
      ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
    return new AuthExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata md) {
        if (!handlesException(failure)) {
          super.handleException(failure, serverCall, md);
          return;
        }
        StatusRuntimeException status = toStatus(failure);
        serverCall.close(status.getStatus(), status.getTrailers());
      }
    };
  }

  @Override
  public StatusException transformToStatusException(Throwable failure) {
    StatusRuntimeException status = toStatus(failure);
    return new StatusException(status.getStatus(), status.getTrailers());
  }

  @Override
  public boolean handlesException(Throwable failure) {
    return failure instanceof AuthenticationException || failure instanceof SecurityException;
  }

  static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException) {
      return GrpcErrors.status(
          Code.UNAUTHENTICATED, "UNAUTHENTICATED", "A valid bearer token is required");
    }
    return GrpcErrors.status(
        Code.PERMISSION_DENIED, "FORBIDDEN", "This token may not perform this call");
  }
}
