package io.farthing.payments.admin;

/** The limits of one KYC tier in one currency, in minor units. */
public record KycLimit(
    int tier, String currency, long perTransactionMinor, long dailyMinor, long monthlyMinor, long walletMaxMinor) {}
