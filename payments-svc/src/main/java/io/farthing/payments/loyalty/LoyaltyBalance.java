package io.farthing.payments.loyalty;

import java.util.UUID;

/** A user's points in one currency (one minor unit of it per point). */
public record LoyaltyBalance(
    UUID userId,
    String currency,
    UUID accountId,
    long pointsMinor,
    int carryBps,
    long owedMinor,
    long earnedMinor,
    long clawedBackMinor,
    long redeemedMinor) {}
