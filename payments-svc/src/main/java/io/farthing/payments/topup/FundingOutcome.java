package io.farthing.payments.topup;

/** What a funding gateway says about one authorization. */
public sealed interface FundingOutcome {
  /** The money was taken from the instrument; {@code processorReference} is the gateway's id for it. */
  record Approved(String processorReference) implements FundingOutcome {}

  /** Refused by the issuer or the gateway, with its decline code (card_declined, insufficient_funds, ...). */
  record Declined(String code) implements FundingOutcome {}

  /** The gateway has the request but has not decided yet. */
  record Pending() implements FundingOutcome {}

  /** The gateway has no record of this reference (the request never reached it). */
  record NotFound() implements FundingOutcome {}

  /** Cancelled before any decision: it can never be approved afterwards. */
  record Cancelled() implements FundingOutcome {}

  FundingOutcome PENDING = new Pending();
  FundingOutcome NOT_FOUND = new NotFound();
  FundingOutcome CANCELLED = new Cancelled();

  /** Whether this answer ends the authorization one way or the other. */
  default boolean isFinal() {
    return this instanceof Approved || this instanceof Declined || this instanceof Cancelled;
  }
}
