package io.farthing.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends bytes of one's choosing as the request of a real unary RPC (same full method name), as a
 * fuzzer or a broken client would: what the server answers to a message it cannot parse.
 */
public final class RawGrpc {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private RawGrpc() {}

  /** Passes bytes through untouched, both ways. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /**
   * Calls {@code fullMethodName} (e.g. {@code farthing.payments.v1.Payments/QuoteFee}) with
   * {@code request} as the message and {@code bearer} (may be null) as the token; returns the
   * response's bytes, or throws the call's {@link StatusRuntimeException}.
   */
  public static byte[] unary(Channel channel, String fullMethodName, String bearer, byte[] request) {
    MethodDescriptor<byte[], byte[]> method =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(fullMethodName)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    ClientCall<byte[], byte[]> call =
        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    CompletableFuture<byte[]> outcome = new CompletableFuture<>();
    Metadata headers = new Metadata();
    if (bearer != null) {
      headers.put(AUTHORIZATION, "Bearer " + bearer);
    }
    call.start(
        new ClientCall.Listener<>() {
          private byte[] response;

          @Override
          public void onMessage(byte[] message) {
            response = message;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (status.isOk()) {
              outcome.complete(response);
            } else {
              outcome.completeExceptionally(status.asRuntimeException(trailers));
            }
          }
        },
        headers);
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
    try {
      return outcome.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("no answer to the raw call on " + fullMethodName, e);
    }
  }

  /**
   * Messages that no request type parses, whatever its fields, each named for what is wrong.
   * {@code field} is the number of one of the request's fields (its first, usually).
   */
  public static Map<String, byte[]> unparsable(int field) {
    Map<String, byte[]> bad = new LinkedHashMap<>();
    // A varint whose continuation bit never ends.
    bad.put("truncated varint", new byte[] {tag(field, 0), (byte) 0xff, (byte) 0xff});
    // Length-delimited, length 10, but only 2 bytes follow.
    bad.put("truncated length", new byte[] {tag(field, 2), 0x0a, 0x41, 0x42});
    // A known field with wire type 7, which does not exist.
    bad.put("invalid wire type", new byte[] {tag(field, 7), 0x01});
    // A known field sent as a group (wire type 3) that never ends.
    bad.put("unterminated group", new byte[] {tag(field, 3), tag(field, 0), 0x01});
    // An end-group tag that closes nothing.
    bad.put("stray end-group", new byte[] {tag(field, 4)});
    return bad;
  }

  /** A length-delimited field: a proto3 {@code string} or an embedded message. */
  public static byte[] field(int number, byte[] value) {
    if (value.length > 127) {
      throw new IllegalArgumentException("keep test payloads short: one-byte lengths only");
    }
    byte[] out = new byte[value.length + 2];
    out[0] = tag(number, 2);
    out[1] = (byte) value.length;
    System.arraycopy(value, 0, out, 2, value.length);
    return out;
  }

  /** Bytes that are not UTF-8: a lone continuation byte, then 0xff. */
  public static byte[] notUtf8() {
    return new byte[] {(byte) 0x80, (byte) 0xff};
  }

  private static byte tag(int field, int wireType) {
    if (field < 1 || field > 15) {
      throw new IllegalArgumentException("one-byte tags only: field 1-15");
    }
    return (byte) ((field << 3) | wireType);
  }
}
