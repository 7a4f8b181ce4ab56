package io.farthing.payments.charge;

import java.time.Instant;
import java.util.UUID;

public record Refund(
    UUID id, UUID chargeId, String currency, long amountMinor, long feeReturnedMinor, String reason, Instant createdAt) {}
