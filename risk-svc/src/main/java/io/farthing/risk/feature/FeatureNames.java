package io.farthing.risk.feature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every feature a rule or the model may use: its name, its kind and what it means. This is the
 * vocabulary of the admin rules API (a rule naming anything else is refused) and of the docs.
 * Windows are half-open: a window of length W at time t holds the events with time in
 * (t − W, t]; the payment being scored is inside its own windows.
 */
public final class FeatureNames {
  public enum Kind {
    NUMBER,
    LABEL
  }

  public record Definition(String name, Kind kind, String description) {}

  // --- from the request itself: always present, also when degraded --------------------------
  public static final String AMOUNT_MINOR = "amount_minor";
  public static final String DEVICE_KNOWN = "device_known";
  public static final String CASH_EQUIVALENT = "cash_equivalent";
  public static final String KYC_TIER = "kyc_tier";
  public static final String HOUR_OF_DAY = "hour_of_day";
  public static final String DEGRADED = "degraded";
  public static final String CHANNEL = "channel";
  public static final String MERCHANT_CATEGORY = "merchant_category";
  public static final String SECURITY_LEVEL = "security_level";
  public static final String COUNTRY = "country";
  public static final String CURRENCY = "currency";

  // --- from Redis (absent when degraded) ----------------------------------------------------
  public static final String COUNT_1M = "count_1m";
  public static final String COUNT_1H = "count_1h";
  public static final String COUNT_24H = "count_24h";
  public static final String SUM_1M = "sum_1m";
  public static final String SUM_1H = "sum_1h";
  public static final String SUM_24H = "sum_24h";
  public static final String DEVICES_24H = "devices_24h";
  public static final String IPS_24H = "ips_24h";
  public static final String NEW_MERCHANT = "new_merchant";
  public static final String HISTORY_COUNT = "history_count";
  public static final String AMOUNT_ZSCORE_X100 = "amount_zscore_x100";
  public static final String TRAVEL_KM = "travel_km";
  public static final String TRAVEL_KMH = "travel_kmh";
  public static final String CASH_EQUIV_SHARE_PCT = "cash_equiv_share_pct";
  public static final String MERCHANT_PAYMENTS_30D = "merchant_payments_30d";
  public static final String MERCHANT_REFUND_RATE_BP = "merchant_refund_rate_bp";
  public static final String MERCHANT_DISPUTE_RATE_BP = "merchant_dispute_rate_bp";
  public static final String NEAR_LIMIT = "near_limit";
  public static final String NEAR_LIMIT_COUNT_7D = "near_limit_count_7d";
  public static final String NEAR_LIMIT_SUM_7D = "near_limit_sum_7d";
  public static final String RISK_BUDGET_USED_MINOR = "risk_budget_used_minor";
  public static final String RISK_BUDGET_PCT = "risk_budget_pct";
  public static final String USER_FRAUD_REPORTS = "user_fraud_reports";

  private static final Map<String, Definition> ALL = new LinkedHashMap<>();

  static {
    number(AMOUNT_MINOR, "the amount, in minor units of its currency");
    number(DEVICE_KNOWN, "1 when the caller says the device is one of the user's known devices");
    number(CASH_EQUIVALENT, "1 when the goods are cash-like (gift cards, vouchers, game currency)");
    number(KYC_TIER, "the user's KYC tier, 0 (unverified) to 3");
    number(HOUR_OF_DAY, "hour of the payment, 0-23, UTC");
    number(DEGRADED, "1 when the Redis features could not be read in time");
    label(CHANNEL, "IN_APP, QR, NFC, P2P or TOP_UP");
    label(MERCHANT_CATEGORY, "the merchant's category as the caller sent it, lower-case");
    label(SECURITY_LEVEL, "STANDARD, STRICT or ALWAYS");
    label(COUNTRY, "ISO-3166 alpha-2 country of the request, when known");
    label(CURRENCY, "ISO-4217 currency of the amount");

    number(COUNT_1M, "the user's payments in the last minute, this one included");
    number(COUNT_1H, "the user's payments in the last hour, this one included");
    number(COUNT_24H, "the user's payments in the last 24 hours, this one included");
    number(SUM_1M, "the user's spend in this currency in the last minute, minor units, this one included");
    number(SUM_1H, "the user's spend in this currency in the last hour, minor units, this one included");
    number(SUM_24H, "the user's spend in this currency in the last 24 hours, minor units, this one included");
    number(DEVICES_24H, "distinct devices the user paid from in the last 24 hours, this one included");
    number(IPS_24H, "distinct IP addresses the user paid from in the last 24 hours, this one included");
    number(NEW_MERCHANT, "1 when the user has never paid this merchant before (not counting denied attempts)");
    number(HISTORY_COUNT, "how many of the user's past payments in this currency the amount statistics hold");
    number(AMOUNT_ZSCORE_X100, "(amount - the user's mean) / the user's standard deviation, x100; 0 with fewer than 5 past payments");
    number(TRAVEL_KM, "distance from the user's previous located payment, km");
    number(TRAVEL_KMH, "speed needed to get here from the user's previous located payment, km/h");
    number(CASH_EQUIV_SHARE_PCT, "share of the user's 24-hour spend in this currency on cash-like goods, percent, this one included");
    number(MERCHANT_PAYMENTS_30D, "payments scored for this merchant in the last 30 days");
    number(MERCHANT_REFUND_RATE_BP, "the merchant's refunds / payments over 30 days, basis points");
    number(MERCHANT_DISPUTE_RATE_BP, "the merchant's disputes / payments over 30 days, basis points");
    number(NEAR_LIMIT, "1 when this top-up or P2P transfer is just under the AML limit");
    number(NEAR_LIMIT_COUNT_7D, "the user's top-ups and P2P transfers just under the AML limit in 7 days, this one included");
    number(NEAR_LIMIT_SUM_7D, "their total in this currency, minor units");
    number(RISK_BUDGET_USED_MINOR, "risk-weighted spend allowed without a challenge in the last 24 hours, before this one");
    number(RISK_BUDGET_PCT, "that spend with this payment, as a percentage of the user's risk budget");
    number(USER_FRAUD_REPORTS, "confirmed fraud or lost disputes on the user's payments in the last 90 days");
  }

  private FeatureNames() {}

  private static void number(String name, String description) {
    ALL.put(name, new Definition(name, Kind.NUMBER, description));
  }

  private static void label(String name, String description) {
    ALL.put(name, new Definition(name, Kind.LABEL, description));
  }

  public static Map<String, Definition> all() {
    return Collections.unmodifiableMap(ALL);
  }

  public static boolean isNumber(String name) {
    Definition d = ALL.get(name);
    return d != null && d.kind() == Kind.NUMBER;
  }

  public static boolean isLabel(String name) {
    Definition d = ALL.get(name);
    return d != null && d.kind() == Kind.LABEL;
  }
}
