package io.farthing.common.grpc;

import com.google.rpc.Code;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * A request whose bytes do not parse as the RPC's request type (truncated, a wire type that does
 * not exist, invalid UTF-8 in a {@code string}…) is the caller's fault: INVALID_ARGUMENT with reason
 * {@code MALFORMED_REQUEST}, not INTERNAL.
 *
 * <p>Why here and in this way: on the Vert.x gRPC server (gRPC on the HTTP port), the bridge parses
 * the message before any listener sees it; the marshaller's failure ({@code INTERNAL "Invalid
 * protobuf byte sequence"}, cause InvalidProtocolBufferException) is thrown into Vert.x's inbound
 * buffer, which drops it without a trace. The call then half-closes with no request, and grpc-java's
 * unary handler answers {@code INTERNAL "Half-closed without a request"}. So every listener that
 * could see the failure is past it; what can be seen is its effect: a half-close with no message on
 * an RPC whose client sends exactly one. That is malformed whatever the reason (no message sent at
 * all is malformed too), and this interceptor answers it before the service method could run.
 *
 * <p>It runs first (outermost), so it sees the bridge's events as they come, and it steps aside
 * when an inner interceptor (authentication) has already closed the call.
 */
@ApplicationScoped
@GlobalInterceptor
@Priority(MalformedRequests.PRIORITY)
public class MalformedRequests implements ServerInterceptor {
  /** Higher runs first in Quarkus: above every interceptor of its own and of ours. */
  static final int PRIORITY = Integer.MAX_VALUE - 100;
  private static final Logger LOG = Logger.getLogger(MalformedRequests.class);

  public static final String REASON = "MALFORMED_REQUEST";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
      return next.startCall(call, headers);
    }
    ClosingOnce<ReqT, RespT> guarded = new ClosingOnce<>(call);
    ServerCall.Listener<ReqT> inner = next.startCall(guarded, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
      private boolean received;

      @Override
      public void onMessage(ReqT message) {
        received = true;
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!received) {
          guarded.closeMalformed();
          return;
        }
        super.onHalfClose();
      }
    };
  }

  static StatusRuntimeException malformed(String requestType) {
    return GrpcErrors.status(
        Code.INVALID_ARGUMENT,
        REASON,
        "The request is not a valid " + requestType + " message (it does not parse as protobuf)");
  }

  /** Remembers whether the call was closed, so the answer to a malformed request is its only one. */
  private static final class ClosingOnce<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private boolean closed;
    private boolean answeredMalformed;

    ClosingOnce(ServerCall<ReqT, RespT> call) {
      super(call);
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (answeredMalformed) {
        return; // an inner listener learning late that the call is over; it was answered already
      }
      closed = true;
      super.close(status, trailers);
    }

    synchronized void closeMalformed() {
      if (closed || isCancelled()) {
        return;
      }
      answeredMalformed = true;
      String type = getMethodDescriptor().getFullMethodName();
      Object marshaller = getMethodDescriptor().getRequestMarshaller();
      if (marshaller instanceof io.grpc.MethodDescriptor.PrototypeMarshaller<?> proto
          && proto.getMessagePrototype() != null) {
        type = proto.getMessagePrototype().getClass().getSimpleName();
      }
      StatusRuntimeException answer = malformed(type);
      try {
        super.close(answer.getStatus(), answer.getTrailers() == null ? new Metadata() : answer.getTrailers());
      } catch (IllegalStateException alreadyAnswered) {
        // The Vert.x gRPC server answered the call itself ("Trailers already sent"): a message
        // above its size limit is RESOURCE_EXHAUSTED before any interceptor sees it, and the bridge
        // reports the half-close with no message afterwards. The caller has its answer; nothing
        // here for an operator to act on.
        LOG.debugf("%s was answered by the gRPC server itself (message too large)", getMethodDescriptor().getFullMethodName());
      }
    }
  }
}
