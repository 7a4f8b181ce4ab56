package io.farthing.payments.settlement;

import io.smallrye.mutiny.Uni;

/**
 * A bank or processor that sends merchants their payouts. Idempotent by the request's reference
 * (the settlement window id): asking again after a timeout, a failure or a crash never pays twice,
 * it answers the first payout's outcome. Callers put their own deadline on each call.
 */
public interface PayoutGateway {
  Uni<PayoutOutcome> payout(PayoutRequest request);
}
