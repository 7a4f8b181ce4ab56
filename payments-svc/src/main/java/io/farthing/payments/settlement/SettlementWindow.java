package io.farthing.payments.settlement;

import java.time.Instant;
import java.util.UUID;

/**
 * One merchant account's settlement window: its entries created before {@code endsAt} that no
 * earlier window took, netted into one payout when it closes.
 *
 * @param netMinor what the lines netted to (null while OPEN)
 * @param payoutMinor the net when positive, else 0 (nothing paid, the entries carried forward)
 * @param lineCount the merchant entries the window settled (its own payout entry not counted)
 */
public record SettlementWindow(
    UUID id,
    UUID accountId,
    String partnerClientId,
    String currency,
    Instant startsAt,
    Instant endsAt,
    WindowStatus status,
    Instant closedAt,
    Instant settledAt,
    Long netMinor,
    long payoutMinor,
    boolean carriedForward,
    long lineCount,
    UUID payoutPostingId,
    UUID paidPostingId,
    String gatewayReference,
    int payoutAttempts,
    String failureReason,
    Instant nextAttemptAt) {}
