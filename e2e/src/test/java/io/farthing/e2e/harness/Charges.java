package io.farthing.e2e.harness;

import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.ListChargesRequest;
import io.farthing.proto.payments.v1.ListChargesResponse;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/** What the load tests do alike: retry what a partner would retry, and list what a partner sees. */
public final class Charges {
  /** Answers after which a partner retries with the same idempotency key (the contract says so). */
  private static final Set<Status.Code> RETRIED = Set.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED);
  private static final int MAX_ATTEMPTS = 10;

  private Charges() {}

  /**
   * Calls {@code call} (attempt number → the call on some instance) until it gives a definitive
   * answer: UNAVAILABLE ("nothing was charged, retry with the same key") and ABORTED ("in use /
   * changed meanwhile, retry shortly") are retried with a short back-off, as a partner would.
   */
  public static <T> Grpc.Outcome<T> definitive(IntFunction<Grpc.Outcome<T>> call) {
    Grpc.Outcome<T> outcome = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      outcome = call.apply(attempt);
      if (outcome.ok() || !RETRIED.contains(outcome.code())) {
        return outcome;
      }
      try {
        Thread.sleep(100L * (attempt + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return outcome;
      }
    }
    return outcome;
  }

  /** Every charge of {@code partner} for {@code userId} (null: all its charges), newest first. */
  public static List<Charge> list(Platform platform, Partner partner, UUID userId, int instance) {
    List<Charge> all = new ArrayList<>();
    String token = "";
    do {
      ListChargesRequest.Builder request = ListChargesRequest.newBuilder().setPageSize(100).setPageToken(token);
      if (userId != null) {
        request.setUserId(userId.toString());
      }
      ListChargesResponse page = platform.partnerApi(partner, instance).listCharges(request.build());
      all.addAll(page.getChargesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty() && all.size() < 100_000);
    return all;
  }
}
