package io.farthing.payments.loyalty;

import java.time.Instant;
import java.util.UUID;

/** Points turned into wallet credit. */
public record Redemption(UUID id, UUID userId, UUID walletId, String currency, long amountMinor, Instant createdAt) {}
