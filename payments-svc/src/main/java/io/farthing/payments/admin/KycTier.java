package io.farthing.payments.admin;

import java.time.Instant;
import java.util.UUID;

/**
 * A user's KYC tier as payments-svc holds it (tier 0, with no times, for a user it has never seen).
 * The user's time zone is auth-svc's and is not shown here.
 */
public record KycTier(UUID userId, int kycTier, Instant createdAt, Instant updatedAt) {}
