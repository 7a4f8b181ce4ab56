package io.farthing.payments.limit;

import io.farthing.common.ApiException;

/** A movement refused by a limit; {@link #limit()} names which one (KYC_DAILY, USER_DAILY_CAP, ...). */
public final class LimitExceeded extends ApiException {
  public static final String REASON = "LIMIT_EXCEEDED";
  private final String limit;
  private final long limitMinor;

  public LimitExceeded(String limit, long limitMinor, String currency) {
    super(Kind.PRECONDITION, REASON, message(limit, limitMinor, currency));
    this.limit = limit;
    this.limitMinor = limitMinor;
  }

  public String limit() {
    return limit;
  }

  public long limitMinor() {
    return limitMinor;
  }

  private static String message(String limit, long limitMinor, String currency) {
    return "This payment would pass the " + limit + " limit of " + limitMinor + " " + currency + " minor units";
  }
}
