package io.farthing.common.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import io.farthing.common.ApiException;
import io.farthing.common.Text;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Every request message of every RPC, checked once before any service code sees it:
 *
 * <ul>
 *   <li>every {@code string} field, at any depth (repeated, map keys and values, Struct values),
 *       holds text: no U+0000 ({@link Text}) → INVALID_ARGUMENT {@code INVALID_CHARACTER}, naming
 *       the field. (Protobuf's own UTF-8 check already keeps out unpaired surrogates.)
 *   <li>every {@code google.protobuf.Timestamp} is one the type allows: seconds within
 *       0001-01-01T00:00:00Z..9999-12-31T23:59:59Z and nanos within 0..999,999,999 →
 *       INVALID_ARGUMENT {@code INVALID_TIMESTAMP}. Outside it, Instant or PostgreSQL would fail
 *       deep inside the call as an internal error.
 * </ul>
 *
 * A refused message never reaches the service: the call is closed here, nothing is done.
 */
@ApplicationScoped
@GlobalInterceptor
@Priority(MalformedRequests.PRIORITY - 1)
public class CleanRequests implements ServerInterceptor {
  public static final String INVALID_TIMESTAMP = "INVALID_TIMESTAMP";
  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range google.protobuf.Timestamp defines. */
  static final long MIN_SECONDS = -62_135_596_800L;
  static final long MAX_SECONDS = 253_402_300_799L;
  private static final int MAX_DEPTH = 100;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerCall.Listener<ReqT> inner = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
      private boolean refused;

      @Override
      public void onMessage(ReqT message) {
        if (refused) {
          return;
        }
        if (message instanceof MessageOrBuilder request) {
          ApiException problem = problemIn(request);
          if (problem != null) {
            refused = true;
            StatusRuntimeException status =
                GrpcErrors.status(GrpcErrors.codeFor(problem.kind()), problem.reason(), problem.getMessage());
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return;
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  /** The first refusal {@code request} earns, or null when it is clean. */
  public static ApiException problemIn(MessageOrBuilder request) {
    try {
      check("", request, 0);
      return null;
    } catch (ApiException refused) {
      return refused;
    }
  }

  private static void check(String path, MessageOrBuilder message, int depth) {
    if (depth > MAX_DEPTH) {
      return; // protobuf's parser bounds nesting at 100 too
    }
    if (message instanceof Timestamp timestamp) {
      checkTimestamp(path, timestamp);
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      String name = path.isEmpty() ? field.getName() : path + "." + field.getName();
      if (field.isRepeated()) {
        List<?> values = (List<?>) entry.getValue();
        for (int i = 0; i < values.size(); i++) {
          checkValue(name + "[" + i + "]", values.get(i), depth);
        }
      } else {
        checkValue(name, entry.getValue(), depth);
      }
    }
  }

  private static void checkValue(String path, Object value, int depth) {
    if (value instanceof String text) {
      Text.requireClean(path, text);
    } else if (value instanceof Message nested) {
      check(path, nested, depth + 1);
    }
  }

  static void checkTimestamp(String path, Timestamp timestamp) {
    if (timestamp.getSeconds() < MIN_SECONDS || timestamp.getSeconds() > MAX_SECONDS) {
      throw ApiException.invalid(
          (path.isEmpty() ? "timestamp" : path) + " must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z",
          INVALID_TIMESTAMP);
    }
    if (timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
      throw ApiException.invalid(
          (path.isEmpty() ? "timestamp" : path) + ".nanos must be between 0 and 999999999", INVALID_TIMESTAMP);
    }
  }
}
