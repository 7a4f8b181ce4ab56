package io.farthing.common.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.farthing.common.ApiException;
import io.farthing.common.ClientGone;
import io.farthing.common.DatabaseOutage;
import io.farthing.common.Text;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a REST caller can see is problem+json with a stable type. Unexpected failures are
 * logged with an incident id and answered without any internals.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return Problem.of(e.kind().httpStatus, e.reason(), e.getMessage())
        .toResponse(e.retryAfterSeconds());
  }

  @ServerExceptionMapper(priority = 1)
  public Response validation(ConstraintViolationException e) {
    List<Problem.FieldError> errors =
        e.getConstraintViolations().stream()
            .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
            .sorted(Comparator.comparing(Problem.FieldError::field))
            .toList();
    return new Problem(
            Problem.typeFor("VALIDATION_FAILED"),
            "Validation failed",
            400,
            "The request has invalid fields",
            "VALIDATION_FAILED",
            errors)
        .toResponse();
  }

  @ServerExceptionMapper
  public Response unreadable(JsonProcessingException e) {
    // A refusal raised while the body was read (CleanJsonText: a NUL in a field) is that refusal.
    ApiException refusal = refusalIn(e);
    if (refusal != null) {
      return api(refusal);
    }
    return Problem.of(400, "MALFORMED_BODY", "The request body is not valid JSON for this call")
        .toResponse();
  }

  private static ApiException refusalIn(Throwable e) {
    Throwable cause = e;
    for (int depth = 0; cause != null && depth < 32; depth++) {
      if (cause instanceof ApiException api) {
        return api;
      }
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    return null;
  }

  /**
   * JSON of the wrong shape (a string where an object belongs). Quarkus REST has a built-in
   * mapper for it that answers plain JSON; this one keeps every 400 problem+json.
   */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e) {
    return unreadable(e);
  }

  @ServerExceptionMapper
  public Response unauthenticated(AuthenticationFailedException e) {
    return Problem.of(401, "UNAUTHENTICATED", "A valid bearer token is required").toResponse();
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e) {
    return Problem.of(401, "UNAUTHENTICATED", "A valid bearer token is required").toResponse();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return Problem.of(403, "FORBIDDEN", "This token may not perform this call").toResponse();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    // A truncated or broken body reaches us wrapped: answer it as the JSON problem it is.
    ApiException refusal = refusalIn(e.getCause());
    if (refusal != null) {
      return api(refusal);
    }
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      if (cause instanceof JsonProcessingException json) {
        return unreadable(json);
      }
    }
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e);
    }
    String reason =
        switch (status) {
          case 400 -> "BAD_REQUEST";
          case 401 -> "UNAUTHENTICATED";
          case 403 -> "FORBIDDEN";
          case 404 -> "NOT_FOUND";
          case 405 -> "METHOD_NOT_ALLOWED";
          case 406 -> "NOT_ACCEPTABLE";
          case 415 -> "UNSUPPORTED_MEDIA_TYPE";
          default -> "REQUEST_REFUSED";
        };
    String detail = status == 400 ? "The request could not be read" : statusText(e);
    return Problem.of(status, reason, detail).toResponse();
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    ApiException refusal = refusalIn(e);
    if (refusal != null) {
      return api(refusal);
    }
    if (Text.rejectedByDatabase(e)) {
      LOG.warnf("Answered 400 INVALID_CHARACTER: the database refused a character of the request (%s)", e.getClass().getName());
      return api(Text.invalidCharacter());
    }
    if (ClientGone.is(e)) {
      // The caller closed the connection (an alert stream closed, an app killed): nobody to answer.
      LOG.debugf("The caller went away before the answer was written (%s)", e);
      return Problem.of(499, "CLIENT_CLOSED_REQUEST", "The caller closed the connection").toResponse();
    }
    if (DatabaseOutage.is(e)) {
      LOG.warnf("Answered 503: the database went away under the request (%s)", e.getClass().getName());
      return api(DatabaseOutage.answer());
    }
    String incident = UUID.randomUUID().toString();
    // No stack trace at INFO and above: it can carry internals. DEBUG shows it when needed.
    LOG.errorf("Unexpected failure, incident %s: %s", incident, e.getClass().getName());
    LOG.debugf(e, "Incident %s", incident);
    return Problem.of(500, "INTERNAL", "Something went wrong on our side (incident " + incident + ")")
        .toResponse();
  }

  private static String statusText(WebApplicationException e) {
    Response.StatusType info = e.getResponse().getStatusInfo();
    return info == null ? "Request refused" : info.getReasonPhrase();
  }

  private static String fieldOf(ConstraintViolation<?> violation) {
    // Paths look like "register.request.email": keep what the caller sent, the last node.
    String path = violation.getPropertyPath().toString();
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
