package io.farthing.payments.topup;

import io.smallrye.mutiny.Uni;

/**
 * A card or bank processor that funds top-ups. Every call is idempotent by the request's
 * reference (the top-up id). Callers put their own deadline on each call: a gateway may answer
 * late or never, and a late answer must still be found afterwards through {@link #lookup}.
 */
public interface FundingGateway {

  /** Asks for the money. May take longer than the caller waits; the outcome is kept by the gateway. */
  Uni<FundingOutcome> authorize(FundingRequest request);

  /** The gateway's record of a reference: Approved, Declined, Cancelled, Pending or NotFound. */
  Uni<FundingOutcome> lookup(String reference);

  /**
   * Stops an authorization that is not decided yet, for good (Cancelled); when it was decided
   * already, that decision is answered instead (Approved or Declined).
   */
  Uni<FundingOutcome> cancel(String reference);

  /** Gives an approved authorization's money back to the instrument (a top-up that could not be credited). */
  Uni<Void> refund(String reference);
}
