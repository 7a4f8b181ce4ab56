package io.farthing.auth.consent;

import io.farthing.auth.privacy.PersonalDataHolder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Consents in the user's data export, and their erasure. Erasing revokes every active consent
 * but keeps the rows: they hold no personal data beyond the (then anonymous) user id, and charges
 * made under a consent refer to its id.
 */
@ApplicationScoped
public class ConsentPersonalData implements PersonalDataHolder {
  private final ConsentService consentService;
  private final ConsentRepository consents;

  public ConsentPersonalData(ConsentService consentService, ConsentRepository consents) {
    this.consentService = consentService;
    this.consents = consents;
  }

  @Override
  public String section() {
    return "consents";
  }

  @Override
  public Uni<Object> export(UUID userId) {
    return consentService.allOf(userId).map(list -> (Object) list);
  }

  @Override
  public Uni<Void> erase(UUID userId) {
    return consents.revokeAllForUser(userId, Instant.now()).replaceWithVoid();
  }
}
