package io.farthing.payments.idempotency;

import io.farthing.common.ApiException;
import java.util.UUID;

/**
 * The first outcome of an idempotent call: the response bytes (a serialized protobuf message or
 * JSON), or the refusal it ended with. Either way, a retry gets the same thing again.
 */
public record StoredOutcome(UUID resourceId, byte[] response, ApiException error) {
  public static StoredOutcome success(UUID resourceId, byte[] response) {
    return new StoredOutcome(resourceId, response, null);
  }

  public static StoredOutcome failure(UUID resourceId, ApiException error) {
    return new StoredOutcome(resourceId, null, error);
  }
}
