package io.farthing.payments.settlement;

/** One payout asked of a {@link PayoutGateway}; {@code reference} is the window id. */
public record PayoutRequest(String reference, String partnerClientId, long amountMinor, String currency) {}
