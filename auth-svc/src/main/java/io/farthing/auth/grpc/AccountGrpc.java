package io.farthing.auth.grpc;

import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.SecurityLevelSetting;
import io.farthing.proto.auth.v1.User;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Maps the account RPCs (security level, consent, user status). (Owned by those features.) */
@ApplicationScoped
public class AccountGrpc {

  public Uni<SecurityLevelSetting> getSecurityLevel(GetSecurityLevelRequest request) {
    return unimplemented();
  }

  public Uni<CheckConsentResponse> checkConsent(CheckConsentRequest request) {
    return unimplemented();
  }

  public Uni<User> getUser(GetUserRequest request) {
    return unimplemented();
  }

  private static <T> Uni<T> unimplemented() {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
