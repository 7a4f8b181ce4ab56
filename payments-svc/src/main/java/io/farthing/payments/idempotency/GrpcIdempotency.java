package io.farthing.payments.idempotency;

import com.google.protobuf.InvalidProtocolBufferException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;

/**
 * Money rule 4 for a partner's gRPC call, on top of {@link IdempotencyKeys}: the key is claimed
 * per partner, the work runs once and completes the claim in its money transaction with the
 * response message's bytes; a replay parses them back. A refusal the work did not store is stored
 * here (the same retry gets the same refusal); anything transient releases the key. The
 * one path every partner call of payments-svc takes (charges, payment requests, tabs).
 */
@ApplicationScoped
public class GrpcIdempotency {
  /** Reads a stored response back (a generated message's {@code parseFrom}). */
  public interface Parser<T> {
    T parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private final IdempotencyKeys keys;

  public GrpcIdempotency(IdempotencyKeys keys) {
    this.keys = keys;
  }

  public <T> Uni<T> run(
      String caller, String key, String operation, byte[] requestHash, Parser<T> parser,
      Function<Claim.Fresh, Uni<T>> work) {
    String checked = IdempotencyKeys.requireKey(key, "idempotency_key");
    return keys.claim(caller, checked, operation, requestHash)
        .chain(
            claim -> {
              if (claim instanceof Claim.Replay replay) {
                return replayed(replay.outcome(), parser);
              }
              Claim.Fresh fresh = (Claim.Fresh) claim;
              return Uni.createFrom()
                  .deferred(() -> work.apply(fresh))
                  .onFailure()
                  .call(e -> keys.settleFailure(fresh, e));
            });
  }

  private static <T> Uni<T> replayed(StoredOutcome outcome, Parser<T> parser) {
    if (outcome.error() != null) {
      return Uni.createFrom().failure(outcome.error());
    }
    try {
      return Uni.createFrom().item(parser.parse(outcome.response()));
    } catch (InvalidProtocolBufferException e) {
      return Uni.createFrom().failure(new IllegalStateException("a stored response could not be read back", e));
    }
  }
}
