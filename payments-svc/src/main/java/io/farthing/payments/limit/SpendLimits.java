package io.farthing.payments.limit;

/**
 * The limits one movement out of a wallet must respect, as they stand in the transaction that
 * moves it: the KYC tier's, and the user's own caps where they are lower. {@code null} user caps
 * mean "none set".
 */
public record SpendLimits(
    int kycTier,
    long perTransactionMinor,
    long kycDailyMinor,
    long kycMonthlyMinor,
    long walletMaxMinor,
    Long userDailyCapMinor,
    Long userMonthlyCapMinor) {

  public long dailyMinor() {
    return userDailyCapMinor == null ? kycDailyMinor : Math.min(kycDailyMinor, userDailyCapMinor);
  }

  public long monthlyMinor() {
    return userMonthlyCapMinor == null ? kycMonthlyMinor : Math.min(kycMonthlyMinor, userMonthlyCapMinor);
  }

  /** Which limit a movement of {@code amountMinor} breaks on its own, or null. */
  public String brokenBy(long amountMinor) {
    if (amountMinor > perTransactionMinor) {
      return "KYC_PER_TRANSACTION";
    }
    if (amountMinor > dailyMinor()) {
      return dailyName();
    }
    if (amountMinor > monthlyMinor()) {
      return monthlyName();
    }
    return null;
  }

  public String dailyName() {
    return userDailyCapMinor != null && userDailyCapMinor < kycDailyMinor ? "USER_DAILY_CAP" : "KYC_DAILY";
  }

  public String monthlyName() {
    return userMonthlyCapMinor != null && userMonthlyCapMinor < kycMonthlyMinor ? "USER_MONTHLY_CAP" : "KYC_MONTHLY";
  }
}
