package io.farthing.payments.topup;

import java.util.UUID;

/**
 * One authorization asked of a funding gateway. {@code reference} is the top-up id: gateways are
 * idempotent by it, so asking again after a timeout or a crash never takes the money twice.
 */
public record FundingRequest(String reference, UUID userId, long amountMinor, String currency, String instrument) {}
