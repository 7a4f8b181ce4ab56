package io.farthing.common.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * RFC 9457 problem details. {@code type} is stable per reason, so clients switch on it;
 * {@code reason} repeats it in the UPPER_SNAKE form gRPC callers see in ErrorInfo.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String reason, List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";
  public static final String TYPE_BASE = "https://problems.farthing.io/";

  public record FieldError(String field, String message) {}

  public static Problem of(int status, String reason, String detail) {
    return new Problem(typeFor(reason), titleFor(reason), status, detail, reason, null);
  }

  public static String typeFor(String reason) {
    return TYPE_BASE + reason.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String titleFor(String reason) {
    String words = reason.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  public Response toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(this).build();
  }

  public Response toResponse(Long retryAfterSeconds) {
    Response.ResponseBuilder builder = Response.status(status).type(MEDIA_TYPE).entity(this);
    if (retryAfterSeconds != null) {
      builder.header("Retry-After", Math.max(1, retryAfterSeconds));
    }
    return builder.build();
  }
}
