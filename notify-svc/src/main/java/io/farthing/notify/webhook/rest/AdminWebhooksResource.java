package io.farthing.notify.webhook.rest;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.notify.webhook.Delivery;
import io.farthing.notify.webhook.DeliveryLogService;
import io.farthing.notify.webhook.SecretKeys;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' view of parked webhook deliveries across partners, and replays; the signing secrets'
 * key-encryption keys (status, rewrap after a new key). Role admin.
 */
@Path("/admin/webhooks")
@Tag(name = "Admin: webhooks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminWebhooksResource {
  private static final int MAX_PARTNER_CHARS = 200;

  private final DeliveryLogService log;
  private final SecretKeys secretKeys;
  private final JsonWebToken token;

  public AdminWebhooksResource(DeliveryLogService log, SecretKeys secretKeys, JsonWebToken token) {
    this.log = log;
    this.secretKeys = secretKeys;
    this.token = token;
  }

  @GET
  @Path("/secret-keys")
  @Operation(summary = "Signing secrets per key-encryption key version, and rows still holding plaintext")
  public Uni<SecretKeys.KeyStatus> secretKeys() {
    return secretKeys.status();
  }

  @POST
  @Path("/secret-keys/rewrap")
  @Operation(summary = "Seal every signing secret under an older key again under the newest (run once every replica has it)")
  public Uni<KeyPass> rewrap() {
    return secretKeys.rewrap().chain(r -> secretKeys.status().map(s -> new KeyPass(r.changed(), r.failed(), s)));
  }

  @POST
  @Path("/secret-keys/seal")
  @Operation(summary = "Seal rows still holding plaintext now (the background pass does it every seal-interval)")
  public Uni<KeyPass> seal() {
    return secretKeys.sealPlaintextRows().chain(r -> secretKeys.status().map(s -> new KeyPass(r.changed(), r.failed(), s)));
  }

  @GET
  @Path("/dead-letters")
  @Operation(summary = "Parked deliveries, oldest first, across partners or for one (?partner=)")
  public Uni<Page<DeliveryView>> deadLetters(
      @QueryParam("partner") String partner, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return Uni.createFrom()
        .deferred(
            () -> {
              int size = Page.limit(limit);
              String key = Page.afterKey(cursor);
              UUID after = key == null ? null : cursorId(key);
              return log.parked(partner(partner), after, size + 1)
                  .map(rows -> Page.of(rows, size, d -> d.id().toString(), DeliveryView::of));
            });
  }

  @POST
  @Path("/deliveries/{deliveryId}/replay")
  @Operation(summary = "Send one parked (or delivered) delivery again")
  public Uni<DeliveryView> replay(@PathParam("deliveryId") String deliveryId) {
    return Uni.createFrom()
        .deferred(() -> log.replayAsOperator(Ids.parse(deliveryId, "deliveryId"), token.getSubject()))
        .map(DeliveryView::of);
  }

  @POST
  @Path("/partners/{partner}/dead-letters/replay")
  @Operation(summary = "Send every parked delivery of the partner's enabled endpoints again")
  public Uni<DeliveryLogService.PartnerReplay> replayPartner(@PathParam("partner") String partner) {
    return Uni.createFrom().deferred(() -> log.replayPartner(partner(partner), token.getSubject()));
  }

  private static String partner(String partner) {
    if (partner == null || partner.isBlank()) {
      return null;
    }
    if (partner.length() > MAX_PARTNER_CHARS) {
      throw ApiException.invalid("partner is longer than " + MAX_PARTNER_CHARS + " characters", "FIELD_TOO_LONG");
    }
    return partner;
  }

  private static UUID cursorId(String key) {
    try {
      return UUID.fromString(key);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }

  /** A pass over the secrets: rows changed, rows that did not open (see the log), the status after. */
  public record KeyPass(int changed, int failed, SecretKeys.KeyStatus status) {}

  /** A delivery as operators see it (no bodies, no secrets). */
  public record DeliveryView(
      String deliveryId, String endpointId, String partner, String kind, java.util.List<String> eventIds, String eventType,
      String status, int attemptCount, String createdAt, String parkedAt, String parkedReason,
      java.util.List<Delivery.Attempt> attempts) {
    static DeliveryView of(Delivery d) {
      return new DeliveryView(
          d.id().toString(), d.endpointId().toString(), d.partnerClientId(), d.kind().name(),
          d.eventIds().stream().map(UUID::toString).toList(), d.eventType(), d.status().name(), d.attemptCount(),
          d.createdAt().toString(), d.parkedAt() == null ? null : d.parkedAt().toString(), d.parkedReason(),
          d.attempts());
    }
  }
}
