package io.farthing.payments.settlement;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A payout gateway for local runs and tests that behaves like a real one: idempotent by reference
 * (a reference paid once answers the same payout again and never pays twice), refuses a reused
 * reference with other parameters, and refuses payouts to partners an operator or test has marked
 * with {@link #refuse} until {@link #accept}. Its record lives in this process's memory; it is
 * never a real gateway.
 */
@ApplicationScoped
@Typed(SandboxPayoutGateway.class)
public class SandboxPayoutGateway implements PayoutGateway {
  private record Paid(PayoutRequest request, String gatewayReference) {}

  private final ConcurrentHashMap<String, Paid> paid = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> refused = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> payouts = new ConcurrentHashMap<>();

  @Override
  public Uni<PayoutOutcome> payout(PayoutRequest request) {
    return Uni.createFrom()
        .item(
            () -> {
              Paid before = paid.get(request.reference());
              if (before != null) {
                return before.request().equals(request)
                    ? new PayoutOutcome.Paid(before.gatewayReference())
                    : new PayoutOutcome.Failed("DUPLICATE_REFERENCE");
              }
              String reason = refused.get(request.partnerClientId());
              if (reason != null) {
                return new PayoutOutcome.Failed(reason);
              }
              Paid now =
                  paid.computeIfAbsent(
                      request.reference(),
                      r -> {
                        payouts.computeIfAbsent(r, k -> new AtomicInteger()).incrementAndGet();
                        return new Paid(request, "sbx_po_" + UUID.randomUUID().toString().replace("-", ""));
                      });
              return new PayoutOutcome.Paid(now.gatewayReference());
            });
  }

  /** Payouts to {@code partnerClientId} fail with {@code reason} until {@link #accept}. */
  public void refuse(String partnerClientId, String reason) {
    refused.put(partnerClientId, reason);
  }

  public void accept(String partnerClientId) {
    refused.remove(partnerClientId);
  }

  /** How many times money was sent for {@code reference} (tests: never more than once). */
  public int payoutsMade(String reference) {
    AtomicInteger n = payouts.get(reference);
    return n == null ? 0 : n.get();
  }
}
