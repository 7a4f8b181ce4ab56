package io.farthing.auth.totp;

import io.farthing.auth.privacy.PersonalDataHolder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * TOTP's share of export and erasure. Export shows the enrolment state only: a secret or a
 * code in an export file would be a credential lying around.
 */
@ApplicationScoped
public class TotpPersonalData implements PersonalDataHolder {
  private final TotpCredentialRepository credentials;
  private final RecoveryCodeRepository recoveryCodes;
  private final MfaTicketRepository tickets;

  public TotpPersonalData(
      TotpCredentialRepository credentials,
      RecoveryCodeRepository recoveryCodes,
      MfaTicketRepository tickets) {
    this.credentials = credentials;
    this.recoveryCodes = recoveryCodes;
    this.tickets = tickets;
  }

  @Override
  public String section() {
    return "totp";
  }

  @Override
  public Uni<Object> export(UUID userId) {
    return credentials
        .findById(userId)
        .chain(credential -> recoveryCodes.countUnused(userId)
            .map(left -> TotpService.Status.of(credential, left)));
  }

  @Override
  public Uni<Void> erase(UUID userId) {
    return credentials
        .deleteForUser(userId)
        .chain(() -> recoveryCodes.deleteForUser(userId))
        .chain(() -> tickets.deleteForUser(userId))
        .replaceWithVoid();
  }
}
