package io.farthing.risk.score.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.farthing.common.ApiException;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.risk.score.ScoreService;
import io.farthing.risk.score.grpc.DecisionMessages;
import io.farthing.risk.score.grpc.RiskGrpcService;
import io.farthing.risk.score.grpc.ScoreRequests;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The REST mirror of Score, for operators and the README tour: the body and the answer are the
 * risk.v1 ScoreRequest / ScoreResponse in proto3 JSON, validated and scored exactly as over gRPC.
 */
@Path("/internal/v1/scores")
@Tag(name = "scores")
public class InternalScoreResource {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  /** REST callers get the same Redis budget as a gRPC caller with a 50 ms deadline. */
  private static final Duration DEADLINE = Duration.ofMillis(50);

  private final ScoreService scoring;
  private final ScoreRequests requests;
  private final JsonWebToken token;

  public InternalScoreResource(ScoreService scoring, ScoreRequests requests, JsonWebToken token) {
    this.scoring = scoring;
    this.requests = requests;
    this.token = token;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed(RiskGrpcService.SCOPE_SCORE)
  @Operation(summary = "Score one movement of money (the REST mirror of risk.v1.Risk/Score)")
  public Uni<String> score(String body) {
    ScoreRequest.Builder request = ScoreRequest.newBuilder();
    try {
      PARSER.merge(body == null ? "" : body, request);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.invalid("The body is not a risk.v1.ScoreRequest in proto3 JSON", "MALFORMED_BODY");
    }
    return scoring
        .score(requests.toContext(request.build(), token.getSubject()), DEADLINE)
        .map(scored -> print(DecisionMessages.response(scored.decision(), scored.replayed())));
  }

  private static String print(com.google.protobuf.MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
