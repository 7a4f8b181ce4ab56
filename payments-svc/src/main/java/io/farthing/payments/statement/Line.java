package io.farthing.payments.statement;

import java.time.Instant;
import java.util.UUID;

/**
 * One ledger entry on one account, with what it belongs to: the posting, the charge and refund
 * behind it, the merchant, the fee taken in the same posting and the main other account.
 *
 * @param balanceAfterMinor the account's balance right after this entry, where the query knows it
 * @param feeMinor the posting's lines on the platform fees account: the fee taken (negative: given back)
 * @param counterpartyKind the kind of the largest other account in the posting (a merchant first)
 */
record Line(
    long entryId,
    UUID postingId,
    String postingKind,
    UUID refId,
    UUID accountId,
    String currency,
    long amountMinor,
    Instant createdAt,
    Long balanceAfterMinor,
    UUID chargeId,
    UUID refundId,
    String partnerClientId,
    String merchantName,
    String description,
    long feeMinor,
    String counterpartyKind,
    String counterpartyOwner) {}
