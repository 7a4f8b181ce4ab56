package io.farthing.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.farthing.common.ApiException;
import io.farthing.common.DatabaseOutage;
import io.farthing.common.Text;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Maps domain refusals to gRPC statuses carrying a google.rpc.ErrorInfo reason. */
public final class GrpcErrors {
  /**
   * The ErrorInfo domain: {@code farthing.grpc.error-domain}, else derived from the service's
   * name (auth-svc → {@code auth.farthing.io}).
   */
  private static volatile String domain;
  private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  public static String domain() {
    String known = domain;
    if (known == null) {
      known = domain = configuredDomain();
    }
    return known;
  }

  private static String configuredDomain() {
    var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
    return config
        .getOptionalValue("farthing.grpc.error-domain", String.class)
        .orElseGet(
            () ->
                config
                    .getOptionalValue("quarkus.application.name", String.class)
                    .map(name -> name.replaceFirst("-svc$", "") + ".farthing.io")
                    .orElse("farthing.io"));
  }

  public static Throwable toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException) {
      return failure;
    }
    if (failure instanceof ApiException e) {
      return status(codeFor(e.kind()), e.reason(), e.getMessage());
    }
    if (Text.rejectedByDatabase(failure)) {
      LOG.warnf("Answered INVALID_CHARACTER: the database refused a character of the request (%s)", failure.getClass().getName());
      ApiException e = Text.invalidCharacter();
      return status(codeFor(e.kind()), e.reason(), e.getMessage());
    }
    if (DatabaseOutage.is(failure)) {
      LOG.warnf("Answered UNAVAILABLE: the database went away under the call (%s)", failure.getClass().getName());
      ApiException e = DatabaseOutage.answer();
      return status(codeFor(e.kind()), e.reason(), e.getMessage());
    }
    String incident = UUID.randomUUID().toString();
    LOG.errorf("Unexpected gRPC failure, incident %s: %s", incident, failure.getClass().getName());
    LOG.debugf(failure, "Incident %s", incident);
    return status(Code.INTERNAL, "INTERNAL", "internal error (incident " + incident + ")");
  }

  public static StatusRuntimeException status(Code code, String reason, String message) {
    ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(domain()).build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(info))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  static Code codeFor(ApiException.Kind kind) {
    return switch (kind) {
      case INVALID -> Code.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
      case FORBIDDEN -> Code.PERMISSION_DENIED;
      case NOT_FOUND -> Code.NOT_FOUND;
      case CONFLICT -> Code.ALREADY_EXISTS;
      case IN_PROGRESS -> Code.ABORTED;
      case PRECONDITION, LOCKED -> Code.FAILED_PRECONDITION;
      case RATE_LIMITED -> Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Code.UNAVAILABLE;
    };
  }

  /** The google.rpc.ErrorInfo reason a failed call carries, or null (for clients of other services). */
  public static String reasonOf(Throwable failure) {
    if (!(failure instanceof StatusRuntimeException sre)) {
      return null;
    }
    com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(sre);
    if (status == null) {
      return null;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return detail.unpack(ErrorInfo.class).getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }
}
