package io.farthing.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Sends one hostile request at a time and checks what every answer must be, whatever the input:
 * never a 5xx or INTERNAL/UNKNOWN/DATA_LOSS; a REST refusal is problem+json whose {@code type} is
 * the stable one for its {@code reason}; a gRPC refusal carries an ErrorInfo reason; no answer shows
 * internals (exception names, stack frames, SQL states, package names). What breaks a rule is kept as
 * a violation, so one run reports every broken rule rather than the first.
 */
public final class FuzzProbe {
  private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Set<Status.Code> NEVER =
      Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS, Status.Code.UNIMPLEMENTED);
  private static final List<String> INTERNALS = List.of(
      "Exception", "Caused by", "\tat ", "org.hibernate", "io.vertx", "io.quarkus", "io.netty", "com.fasterxml",
      "java.lang", "java.util", "SQLSTATE", "io.farthing.", "org.postgresql", "io.smallrye", "jakarta.");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** The services' gRPC request limit: the Vert.x gRPC server's default maximum message size. */
  public static final int GRPC_MAX_REQUEST = 256 * 1024;
  /**
   * Header values (and gRPC metadata) are cut to this: past the HTTP server's 8 KiB of headers a
   * request is refused by the server itself (431, no body; over HTTP/2 a reset the gRPC client
   * reports as INTERNAL "http2 exception") before any service code, which is not the API's answer.
   */
  private static final int MAX_HEADER_VALUE = 2_000;
  /** The contract's problem types: one per reason, under this base (the services' README). */
  private static final String PROBLEM_TYPES = "https://problems.farthing.io/";

  /** A REST answer as the fuzz test reads it. */
  public record Answer(int status, String contentType, JsonNode body, String raw) {
    public boolean accepted() {
      return status >= 200 && status < 300;
    }

    public String reason() {
      return body.path("reason").isMissingNode() ? null : body.path("reason").asText();
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
  private int requests;

  public int requests() {
    return requests;
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * One REST request: {@code body} as bytes (null: none), sent with {@code contentType}. Returns
   * null when the JDK's client itself will not send it (a header value with a line break).
   */
  public Answer rest(String target, String method, String url, String token, String contentType, byte[] body,
      Map<String, String> headers) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
          .header("Accept", "application/json");
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      headers(request, token, headers);
    } catch (IllegalArgumentException unsendable) {
      return null;
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      violations.add(target + " " + method + " " + shorten(url) + ": connection failed (" + e + ") after " + describe(body));
      count(target, "IO_ERROR");
      return new Answer(0, "", MissingNode.getInstance(), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    requests++;
    String type = response.headers().firstValue("Content-Type").orElse("");
    Answer answer = new Answer(response.statusCode(), type, parse(response.body()), response.body());
    checkRest(target, method + " " + shorten(url) + " " + describe(body), answer);
    count(target, answer.accepted() ? "HTTP " + answer.status() : "HTTP " + answer.status() + " " + answer.reason());
    return answer;
  }

  private static void headers(HttpRequest.Builder request, String token, Map<String, String> headers) {
    if (token != null) {
      request.header("Authorization", "Bearer " + cut(token));
    }
    headers.forEach((name, value) -> request.header(name, cut(value)));
  }

  /** A header or metadata value as the fuzz test sends it: cut to what the server reads at all. */
  public static String cut(String headerValue) {
    return headerValue.length() > MAX_HEADER_VALUE ? headerValue.substring(0, MAX_HEADER_VALUE) : headerValue;
  }

  private void checkRest(String target, String request, Answer answer) {
    String where = target + " " + request + " → " + answer.status() + " " + shorten(answer.raw());
    if (answer.status() >= 500) {
      violations.add("5xx: " + where);
    }
    if (answer.status() >= 400) {
      if (!answer.contentType().startsWith("application/problem+json")) {
        violations.add("not problem+json (" + answer.contentType() + "): " + where);
      }
      String reason = answer.reason();
      if (reason == null || !REASON.matcher(reason).matches()) {
        violations.add("no stable reason: " + where);
      } else if (!problemType(reason).equals(answer.body().path("type").asText())) {
        violations.add("type is not the stable one for " + reason + ": " + where);
      }
      if (answer.body().path("status").asInt() != answer.status()) {
        violations.add("problem status differs from the HTTP status: " + where);
      }
    }
    internals(where, answer.raw());
  }

  private static String problemType(String reason) {
    return PROBLEM_TYPES + reason.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** A broken rule the test saw itself (money moved, a forged thing taken). */
  public void violation(String what) {
    violations.add(what);
  }

  /**
   * Opens a server-sent event stream and walks away from it as soon as its head arrives: a 200 is
   * the stream (closed at once, as a person closing the app does); a refusal is checked as any.
   */
  public Answer restStream(String target, String url, String token, Map<String, String> headers) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().header("Accept", "text/event-stream");
      headers(request, token, headers);
    } catch (IllegalArgumentException unsendable) {
      return null;
    }
    requests++;
    try {
      HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      String type = response.headers().firstValue("Content-Type").orElse("");
      Answer answer;
      try (InputStream body = response.body()) {
        String raw = response.statusCode() == 200 ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
        answer = new Answer(response.statusCode(), type, parse(raw), raw);
      }
      checkRest(target, "GET " + shorten(url), answer);
      count(target, answer.accepted() ? "HTTP " + answer.status() : "HTTP " + answer.status() + " " + answer.reason());
      return answer;
    } catch (IOException e) {
      violations.add(target + " GET " + shorten(url) + ": connection failed (" + e + ")");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One typed gRPC call with {@code request}: its outcome, checked. */
  public <T> Grpc.Outcome<T> grpc(String target, com.google.protobuf.MessageLite request, Callable<T> call) {
    return grpc(target, request.toString(), request.getSerializedSize(), call);
  }

  private <T> Grpc.Outcome<T> grpc(String target, String request, int requestBytes, Callable<T> call) {
    requests++;
    Grpc.Outcome<T> outcome = Grpc.attempt(call);
    checkGrpc(target, request, requestBytes, outcome);
    return outcome;
  }

  /**
   * The bytes {@code message} sent as the request of {@code fullMethod} as they are: what a broken
   * client, or one built from another version of the contract, puts on the wire.
   */
  public Grpc.Outcome<byte[]> rawGrpc(String target, Channel channel, String fullMethod, String token, byte[] message) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethod)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    Channel authed = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return grpc(target, fullMethod + " " + describe(message), message.length, () -> ClientCalls.blockingUnaryCall(
        authed, method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), message));
  }

  private <T> void checkGrpc(String target, String request, int requestBytes, Grpc.Outcome<T> outcome) {
    String where = target + " " + shorten(request) + " (" + requestBytes + " bytes) → " + outcome;
    if (outcome.code() == Status.Code.RESOURCE_EXHAUSTED && outcome.reason() == null && requestBytes > GRPC_MAX_REQUEST) {
      // The gRPC server's own refusal of a message above its limit, before any service code: a
      // precise code, but the transport's, so without an ErrorInfo.
      count(target, "RESOURCE_EXHAUSTED (request over 256 KiB)");
      return;
    }
    if (NEVER.contains(outcome.code())) {
      violations.add(outcome.code() + ": " + where);
    } else if (!outcome.ok() && (outcome.reason() == null || !REASON.matcher(outcome.reason()).matches())) {
      violations.add("refused without a reason: " + where);
    }
    if (outcome.description() != null) {
      internals(where, outcome.description());
    }
    count(target, outcome.ok() ? "OK" : outcome.code() + " " + outcome.reason());
  }

  private void internals(String where, String text) {
    for (String marker : INTERNALS) {
      if (text.contains(marker)) {
        violations.add("shows internals (" + marker.trim() + "): " + where);
        return;
      }
    }
  }

  private synchronized void count(String target, String outcome) {
    outcomes.computeIfAbsent(target, t -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
  }

  /** Each target's answers by status and reason, for the test's log. */
  public synchronized String summary() {
    StringBuilder out = new StringBuilder();
    outcomes.forEach((target, counts) -> {
      int total = counts.values().stream().mapToInt(Integer::intValue).sum();
      out.append(String.format("  %-34s %5d  %s%n", target, total, counts));
    });
    return out.toString();
  }

  /** A request or answer for a report line: printable, and at most 160 characters. */
  public static String shorten(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 160; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || (c >= 0x202A && c <= 0x202E)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return s.length() > 160 ? out + "…(" + s.length() + " chars)" : out.toString();
  }

  private static String describe(byte[] body) {
    if (body == null) {
      return "(no body)";
    }
    return shorten(new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8))
        + (body.length > 400 ? " (" + body.length + " bytes)" : "");
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return Http.JSON.readTree(body);
    } catch (IOException notJson) {
      return MissingNode.getInstance();
    }
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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
}
