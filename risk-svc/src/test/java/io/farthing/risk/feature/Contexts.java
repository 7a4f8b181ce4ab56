package io.farthing.risk.feature;

import io.farthing.risk.score.Channel;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.RiskContext.GeoPoint;
import io.farthing.risk.score.SecurityLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds {@link RiskContext}s for the feature tests: {@code aContext().user(u).amount(250).build()}.
 * Every context gets a fresh user, merchant and (per build) request id unless told otherwise, so
 * tests never see each other's data. Times are explicit event times around {@link #T0}.
 */
final class Contexts {
  /** A Monday noon, UTC: far enough from day boundaries that T0 - W stays on the same clock. */
  static final Instant T0 = Instant.parse("2026-06-15T12:00:00Z");

  static final GeoPoint PARIS = degrees(48.8566, 2.3522);
  static final GeoPoint NEW_YORK = degrees(40.7128, -74.0060);

  private Contexts() {}

  static Builder aContext() {
    return new Builder();
  }

  static GeoPoint degrees(double latitude, double longitude) {
    return new GeoPoint((int) Math.round(latitude * 1e6), (int) Math.round(longitude * 1e6));
  }

  static Instant before(Duration ago) {
    return T0.minus(ago);
  }

  static final class Builder {
    private String caller = "payments-svc";
    private String requestId;
    private UUID userId = UUID.randomUUID();
    private String merchantId = "m-" + UUID.randomUUID();
    private String merchantCategory = "games";
    private long amountMinor = 250;
    private String currency = "EUR";
    private Channel channel = Channel.IN_APP;
    private String deviceId = "device-1";
    private boolean deviceKnown = true;
    private String ip = "198.51.100.7";
    private String country = "FR";
    private GeoPoint location;
    private int kycTier = 1;
    private SecurityLevel securityLevel = SecurityLevel.STANDARD;
    private Instant at = T0;
    private boolean cashEquivalent;

    Builder caller(String caller) {
      this.caller = caller;
      return this;
    }

    /** Fixes the request id (for replays); otherwise every build gets a new one. */
    Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    Builder user(UUID userId) {
      this.userId = userId;
      return this;
    }

    Builder merchant(String merchantId) {
      this.merchantId = merchantId;
      return this;
    }

    Builder category(String merchantCategory) {
      this.merchantCategory = merchantCategory;
      return this;
    }

    Builder amount(long amountMinor) {
      this.amountMinor = amountMinor;
      return this;
    }

    Builder currency(String currency) {
      this.currency = currency;
      return this;
    }

    /** TOP_UP and P2P carry no merchant. */
    Builder channel(Channel channel) {
      this.channel = channel;
      if (channel == Channel.TOP_UP || channel == Channel.P2P) {
        this.merchantId = null;
        this.merchantCategory = "";
      }
      return this;
    }

    Builder device(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    Builder deviceKnown(boolean deviceKnown) {
      this.deviceKnown = deviceKnown;
      return this;
    }

    Builder ip(String ip) {
      this.ip = ip;
      return this;
    }

    Builder country(String country) {
      this.country = country;
      return this;
    }

    Builder location(GeoPoint location) {
      this.location = location;
      return this;
    }

    Builder kycTier(int kycTier) {
      this.kycTier = kycTier;
      return this;
    }

    Builder securityLevel(SecurityLevel securityLevel) {
      this.securityLevel = securityLevel;
      return this;
    }

    Builder at(Instant at) {
      this.at = at;
      return this;
    }

    Builder cash(boolean cashEquivalent) {
      this.cashEquivalent = cashEquivalent;
      return this;
    }

    RiskContext build() {
      return new RiskContext(
          caller,
          requestId != null ? requestId : "req-" + UUID.randomUUID(),
          userId,
          "wallet-" + userId,
          merchantId,
          merchantCategory,
          amountMinor,
          currency,
          channel,
          deviceId,
          deviceKnown,
          ip,
          country,
          location,
          kycTier,
          securityLevel,
          at,
          cashEquivalent,
          null);
    }
  }
}
