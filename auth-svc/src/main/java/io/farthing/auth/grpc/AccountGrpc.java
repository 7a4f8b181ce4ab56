package io.farthing.auth.grpc;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.consent.ConsentService;
import io.farthing.auth.securitylevel.SecurityLevelService;
import io.farthing.auth.securitylevel.UserStanding;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.auth.v1.ConsentAllowance;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.SecurityLevelSetting;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.type.v1.Money;
import com.google.protobuf.Timestamp;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Maps the account RPCs (security level, consent, user status) to their services. Authorisation
 * (scope auth:internal) is enforced by {@link AuthGrpcService}; errors are mapped there too.
 */
@ApplicationScoped
public class AccountGrpc {
  private final SecurityLevelService securityLevels;
  private final ConsentService consents;
  private final UserStanding standing;

  public AccountGrpc(SecurityLevelService securityLevels, ConsentService consents, UserStanding standing) {
    this.securityLevels = securityLevels;
    this.consents = consents;
    this.standing = standing;
  }

  public Uni<SecurityLevelSetting> getSecurityLevel(GetSecurityLevelRequest request) {
    UUID userId = Ids.parse(request.getUserId(), "user_id");
    return securityLevels.get(userId).map(AccountGrpc::toProto);
  }

  public Uni<CheckConsentResponse> checkConsent(CheckConsentRequest request) {
    UUID userId = Ids.parse(request.getUserId(), "user_id");
    if (!request.hasAmount()) {
      throw ApiException.invalid("amount is required", "MISSING_FIELD");
    }
    Amount amount =
        Amount.positive(request.getAmount().getAmountMinor(), request.getAmount().getCurrency(), "amount");
    return consents.check(userId, request.getPartnerClientId(), amount).map(AccountGrpc::toProto);
  }

  public Uni<User> getUser(GetUserRequest request) {
    UUID userId = Ids.parse(request.getUserId(), "user_id");
    return standing.of(userId).map(AccountGrpc::toProto);
  }

  private static SecurityLevelSetting toProto(SecurityLevelService.Setting setting) {
    SecurityLevelSetting.Builder builder =
        SecurityLevelSetting.newBuilder()
            .setUserId(setting.userId().toString())
            .setLevel(toProto(setting.level()));
    if (setting.strictThreshold() != null) {
      builder.setStrictThreshold(toProto(setting.strictThreshold()));
    }
    return builder.build();
  }

  private static CheckConsentResponse toProto(ConsentService.Decision decision) {
    CheckConsentResponse.Builder builder = CheckConsentResponse.newBuilder().setAllowed(decision.allowed());
    if (decision.consentId() != null) {
      builder.setConsentId(decision.consentId().toString());
    }
    if (decision.refusal() != null) {
      builder.setReason(decision.refusal().name());
    }
    if (decision.maxPerCharge() != null) {
      builder.setMaxPerCharge(toProto(decision.maxPerCharge()));
    }
    ConsentService.AllowanceView allowance = decision.allowance();
    if (allowance != null && allowance.periodStart() != null) {
      builder.setAllowance(
          ConsentAllowance.newBuilder()
              .setLimit(toProto(allowance.limit()))
              .setInterval(allowance.interval())
              .setPeriodStart(timestamp(allowance.periodStart()))
              .setPeriodEnd(timestamp(allowance.periodEnd())));
    }
    return builder.build();
  }

  private static User toProto(UserStanding.Standing user) {
    User.Builder builder = User.newBuilder()
        .setUserId(user.userId().toString())
        .setStatus(
            switch (user.status()) {
              case ACTIVE -> UserStatus.USER_STATUS_ACTIVE;
              case LOCKED -> UserStatus.USER_STATUS_LOCKED;
              case ERASED -> UserStatus.USER_STATUS_ERASED;
            })
        .setSecurityLevel(toProto(user.securityLevel()))
        .setTimeZone(user.timeZone())
        .setTotpEnabled(user.totpEnabled())
        .setDeviceCount(user.deviceCount());
    if (user.strictThreshold() != null) {
      builder.setStrictThreshold(toProto(user.strictThreshold()));
    }
    return builder.build();
  }

  private static SecurityLevel toProto(io.farthing.auth.user.User.SecurityLevel level) {
    return switch (level) {
      case STANDARD -> SecurityLevel.SECURITY_LEVEL_STANDARD;
      case STRICT -> SecurityLevel.SECURITY_LEVEL_STRICT;
      case ALWAYS -> SecurityLevel.SECURITY_LEVEL_ALWAYS;
    };
  }

  private static Money toProto(Amount amount) {
    return Money.newBuilder().setAmountMinor(amount.amountMinor()).setCurrency(amount.currency()).build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
