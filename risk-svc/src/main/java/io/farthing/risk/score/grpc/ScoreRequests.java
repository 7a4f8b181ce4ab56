package io.farthing.risk.score.grpc;

import com.google.protobuf.Timestamp;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.SecurityLevel;
import io.farthing.proto.risk.v1.ScoreRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a ScoreRequest into a {@link RiskContext}, refusing what cannot be scored with
 * INVALID_ARGUMENT and a reason naming the field. Nothing is stored or counted for a refused
 * request: validation runs before anything touches Redis or PostgreSQL.
 */
@ApplicationScoped
public class ScoreRequests {
  static final int MAX_ID_LENGTH = 128;
  private static final Duration MAX_AHEAD = Duration.ofMinutes(5);
  private static final Duration MAX_BEHIND = Duration.ofDays(7);
  private static final Pattern IPV4 =
      Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
  private static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");
  private static final Pattern CATEGORY = Pattern.compile("^[a-z0-9_\\-]{0,64}$");

  public RiskContext toContext(ScoreRequest request, String caller) {
    String requestId = required(request.getRequestId(), "request_id");
    UUID userId = Ids.parse(request.getUserId(), "user_id");
    if (!request.hasAmount()) {
      throw ApiException.invalid("amount is required", "MISSING_FIELD");
    }
    Amount amount =
        Amount.positive(request.getAmount().getAmountMinor(), request.getAmount().getCurrency(), "amount");
    Channel channel = channel(request.getChannel());
    String merchantId = optional(request.getMerchantId(), "merchant_id");
    if (merchantId == null && (channel != Channel.TOP_UP && channel != Channel.P2P)) {
      throw ApiException.invalid("merchant_id is required for a payment to a merchant", "MISSING_FIELD");
    }
    String category = request.getMerchantCategory().trim().toLowerCase(Locale.ROOT);
    if (!CATEGORY.matcher(category).matches()) {
      throw ApiException.invalid(
          "merchant_category must be up to 64 of a-z, 0-9, '_' and '-'", "INVALID_CATEGORY");
    }
    UUID counterparty =
        request.getCounterpartyUserId().isEmpty()
            ? null
            : Ids.parse(request.getCounterpartyUserId(), "counterparty_user_id");
    if (channel == Channel.P2P && counterparty == null) {
      throw ApiException.invalid("counterparty_user_id is required for P2P", "MISSING_FIELD");
    }
    if (request.getKycTier() < 0 || request.getKycTier() > 3) {
      throw ApiException.invalid("kyc_tier must be 0 to 3", "INVALID_KYC_TIER");
    }
    return new RiskContext(
        caller,
        requestId,
        userId,
        optional(request.getWalletId(), "wallet_id"),
        merchantId,
        category,
        amount.amountMinor(),
        amount.currency(),
        channel,
        optional(request.getDeviceId(), "device_id"),
        request.getDeviceKnown(),
        ip(request.getIp()),
        country(request.getCountry()),
        location(request),
        request.getKycTier(),
        securityLevel(request.getSecurityLevel()),
        at(request),
        request.getCashEquivalent(),
        counterparty);
  }

  private static String required(String value, String field) {
    String text = optional(value, field);
    if (text == null) {
      throw ApiException.invalid(field + " is required", "MISSING_FIELD");
    }
    return text;
  }

  private static String optional(String value, String field) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw ApiException.invalid(field + " is longer than " + MAX_ID_LENGTH + " characters", "FIELD_TOO_LONG");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw ApiException.invalid(field + " contains control characters", "INVALID_ID");
      }
    }
    return value.trim();
  }

  private static Channel channel(io.farthing.proto.risk.v1.Channel channel) {
    return switch (channel) {
      case CHANNEL_IN_APP -> Channel.IN_APP;
      case CHANNEL_QR -> Channel.QR;
      case CHANNEL_NFC -> Channel.NFC;
      case CHANNEL_P2P -> Channel.P2P;
      case CHANNEL_TOP_UP -> Channel.TOP_UP;
      case CHANNEL_UNSPECIFIED -> throw ApiException.invalid("channel is required", "MISSING_FIELD");
      case UNRECOGNIZED -> throw ApiException.invalid("channel is not one this service knows", "INVALID_CHANNEL");
    };
  }

  private static SecurityLevel securityLevel(String level) {
    if (level == null || level.isBlank()) {
      return SecurityLevel.STANDARD;
    }
    try {
      return SecurityLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "security_level must be STANDARD, STRICT or ALWAYS", "INVALID_SECURITY_LEVEL");
    }
  }

  private static String ip(String ip) {
    if (ip == null || ip.isBlank()) {
      return null;
    }
    String value = ip.trim();
    boolean v4 = IPV4.matcher(value).matches();
    boolean v6 = !v4 && value.contains(":") && IPV6.matcher(value).matches();
    if (!v4 && !v6) {
      throw ApiException.invalid("ip must be an IPv4 or IPv6 address", "INVALID_IP");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static String country(String country) {
    if (country == null || country.isBlank()) {
      return null;
    }
    String value = country.trim().toUpperCase(Locale.ROOT);
    if (!COUNTRY.matcher(value).matches()) {
      throw ApiException.invalid("country must be an ISO-3166 alpha-2 code", "INVALID_COUNTRY");
    }
    return value;
  }

  private static RiskContext.GeoPoint location(ScoreRequest request) {
    if (!request.getHasLocation()) {
      return null;
    }
    int lat = request.getLatitudeE6();
    int lon = request.getLongitudeE6();
    if (lat < -90_000_000 || lat > 90_000_000 || lon < -180_000_000 || lon > 180_000_000) {
      throw ApiException.invalid("latitude/longitude out of range", "INVALID_LOCATION");
    }
    return new RiskContext.GeoPoint(lat, lon);
  }

  private Instant at(ScoreRequest request) {
    Instant now = Instant.now();
    if (!request.hasAt()) {
      return now;
    }
    Timestamp ts = request.getAt();
    if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999) {
      throw ApiException.invalid("at is not a valid timestamp", "INVALID_TIME");
    }
    Instant at;
    try {
      at = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    } catch (java.time.DateTimeException e) {
      throw ApiException.invalid("at is not a valid timestamp", "INVALID_TIME");
    }
    if (at.isAfter(now.plus(MAX_AHEAD)) || at.isBefore(now.minus(MAX_BEHIND))) {
      throw ApiException.invalid("at must be within 7 days before and 5 minutes after now", "INVALID_TIME");
    }
    return at;
  }
}
