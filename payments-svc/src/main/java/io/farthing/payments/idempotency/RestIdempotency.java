package io.farthing.payments.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farthing.common.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Money rule 4 for the people's REST API, on top of {@link IdempotencyKeys}: the {@code
 * Idempotency-Key} header is claimed per caller ("user:" + id), the work runs once, and what it
 * answered is stored with the money as JSON — status, Location and the exact body bytes — so a
 * replay is the same response byte for byte. Refusals are stored as {@link ApiException}s and
 * replayed through the usual problem+json mapping.
 */
@ApplicationScoped
public class RestIdempotency {
  private static final Logger LOG = Logger.getLogger(RestIdempotency.class);
  public static final String HEADER = "Idempotency-Key";

  /** One successful REST answer: what is sent and what is stored. */
  public record Reply(int status, String location, byte[] body) {
    public Response toResponse() {
      Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
      if (location != null) {
        builder.header("Location", location);
      }
      return builder.build();
    }
  }

  private final IdempotencyKeys keys;
  private final Pool pool;
  private final ObjectMapper json;

  public RestIdempotency(IdempotencyKeys keys, Pool pool, ObjectMapper json) {
    this.keys = keys;
    this.pool = pool;
    this.json = json;
  }

  /** The caller scope of a person's keys. */
  public static String userCaller(UUID userId) {
    return "user:" + userId;
  }

  /** Refuses a missing or malformed header (400 MISSING_IDEMPOTENCY_KEY / INVALID_IDEMPOTENCY_KEY). */
  public static String requireKey(String header) {
    return IdempotencyKeys.requireKey(header, HEADER);
  }

  /**
   * Claims the key and runs {@code work} for a fresh claim; replays the stored answer otherwise.
   * {@code work} completes the claim itself, in its money transaction. A refusal it did not store
   * is stored here (the same retry gets the same refusal); anything transient releases the key so
   * a retry runs again. {@code replayRefusal} may turn a stored refusal back into a richer one.
   */
  public Uni<Reply> run(
      String caller,
      String key,
      String operation,
      byte[] requestHash,
      Function<Claim.Fresh, Uni<Reply>> work,
      Function<StoredOutcome, Uni<Reply>> replayRefusal) {
    return keys.claim(caller, key, operation, requestHash)
        .chain(
            claim -> {
              if (claim instanceof Claim.Replay replay) {
                StoredOutcome outcome = replay.outcome();
                return outcome.error() != null ? replayRefusal.apply(outcome) : Uni.createFrom().item(read(outcome));
              }
              Claim.Fresh fresh = (Claim.Fresh) claim;
              return Uni.createFrom()
                  .deferred(() -> work.apply(fresh))
                  .onFailure()
                  .call(e -> afterFailure(fresh, e));
            });
  }

  public Uni<Reply> run(
      String caller, String key, String operation, byte[] requestHash, Function<Claim.Fresh, Uni<Reply>> work) {
    return run(caller, key, operation, requestHash, work, outcome -> Uni.createFrom().failure(outcome.error()));
  }

  /** A reply with {@code body} serialized the way every GET of the same resource serializes it. */
  public Reply reply(int status, String location, Object body) {
    try {
      return new Reply(status, location, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be serialized", e);
    }
  }

  /** What is stored for a reply: a JSON envelope with the body kept as an exact string. */
  public StoredOutcome stored(UUID resourceId, Reply reply) {
    ObjectNode envelope = json.createObjectNode();
    envelope.put("status", reply.status());
    if (reply.location() != null) {
      envelope.put("location", reply.location());
    }
    envelope.put("body", new String(reply.body(), StandardCharsets.UTF_8));
    try {
      return StoredOutcome.success(resourceId, json.writeValueAsBytes(envelope));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be stored", e);
    }
  }

  private Reply read(StoredOutcome outcome) {
    try {
      JsonNode envelope = json.readTree(outcome.response());
      JsonNode location = envelope.get("location");
      return new Reply(
          envelope.get("status").asInt(),
          location == null ? null : location.asText(),
          envelope.get("body").asText().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("a stored response could not be read back", e);
    }
  }

  private Uni<Void> afterFailure(Claim.Fresh claim, Throwable failure) {
    return keys.settleFailure(claim, failure);
  }
}
