package io.farthing.payments.wallet;

import java.time.Instant;
import java.util.UUID;

/** A user's prepaid wallet in one currency; its id is its ledger account's id. */
public record Wallet(UUID id, UUID userId, String currency, long balanceMinor, Instant createdAt, Instant updatedAt) {}
