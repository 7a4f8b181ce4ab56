package io.farthing.notify.webhook.grpc;

import com.google.protobuf.Timestamp;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.notify.webhook.Delivery;
import io.farthing.notify.webhook.DeliveryLogService;
import io.farthing.notify.webhook.DeliveryMode;
import io.farthing.notify.webhook.Endpoint;
import io.farthing.notify.webhook.EndpointService;
import io.farthing.notify.webhook.NewEndpoint;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.DeleteWebhookEndpointRequest;
import io.farthing.proto.notify.v1.DeleteWebhookEndpointResponse;
import io.farthing.proto.notify.v1.GetWebhookEndpointRequest;
import io.farthing.proto.notify.v1.ListWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesRequest;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesResponse;
import io.farthing.proto.notify.v1.ListWebhookEndpointsRequest;
import io.farthing.proto.notify.v1.ListWebhookEndpointsResponse;
import io.farthing.proto.notify.v1.ReplayWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.ReplayWebhookDeadLettersResponse;
import io.farthing.proto.notify.v1.ReplayWebhookDeliveryRequest;
import io.farthing.proto.notify.v1.RotateWebhookSecretRequest;
import io.farthing.proto.notify.v1.RotateWebhookSecretResponse;
import io.farthing.proto.notify.v1.UpdateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryAttempt;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhookEndpoint;
import io.farthing.proto.notify.v1.Webhooks;
import io.farthing.common.grpc.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** farthing.notify.v1.Webhooks: the partner (token subject) manages its own endpoints. */
@GrpcService
public class WebhooksGrpcService implements Webhooks {
  public static final String SCOPE_MANAGE = "webhooks:manage";
  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 100;

  private final EndpointService endpoints;
  private final DeliveryLogService log;
  private final CurrentIdentityAssociation identity;

  public WebhooksGrpcService(EndpointService endpoints, DeliveryLogService log, CurrentIdentityAssociation identity) {
    this.endpoints = endpoints;
    this.log = log;
    this.identity = identity;
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<CreateWebhookEndpointResponse> createEndpoint(CreateWebhookEndpointRequest r) {
    return asPartner(
        partner ->
            endpoints
                .create(
                    partner,
                    new NewEndpoint(
                        r.getUrl(), r.getEventTypesList(), r.getDescription(), mode(r.getDeliveryMode()),
                        r.hasDigestWindow() ? millis(r.getDigestWindow(), "digest_window") : null, r.getContactEmail()))
                .map(
                    created ->
                        CreateWebhookEndpointResponse.newBuilder()
                            .setEndpoint(endpoint(created.endpoint()))
                            .setSigningSecret(created.signingSecret())
                            .build()));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<WebhookEndpoint> getEndpoint(GetWebhookEndpointRequest r) {
    return asPartner(partner -> endpoints.get(partner, Ids.parse(r.getEndpointId(), "endpoint_id")).map(WebhooksGrpcService::endpoint));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<ListWebhookEndpointsResponse> listEndpoints(ListWebhookEndpointsRequest r) {
    return asPartner(
        partner -> {
          int size = pageSize(r.getPageSize());
          UUID after = pageToken(r.getPageToken());
          return endpoints
              .list(partner, after, size + 1)
              .map(
                  rows -> {
                    ListWebhookEndpointsResponse.Builder out = ListWebhookEndpointsResponse.newBuilder();
                    rows.stream().limit(size).map(WebhooksGrpcService::endpoint).forEach(out::addEndpoints);
                    if (rows.size() > size) {
                      out.setNextPageToken(rows.get(size - 1).id().toString());
                    }
                    return out.build();
                  });
        });
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<WebhookEndpoint> updateEndpoint(UpdateWebhookEndpointRequest r) {
    return asPartner(
        partner ->
            endpoints
                .update(
                    partner,
                    Ids.parse(r.getEndpointId(), "endpoint_id"),
                    new EndpointService.Changes(
                        r.hasUrl() ? r.getUrl() : null,
                        r.hasEventTypes() ? r.getEventTypes().getEventTypesList() : null,
                        r.hasDescription() ? r.getDescription() : null,
                        r.hasEnabled() ? r.getEnabled() : null,
                        r.hasContactEmail() ? r.getContactEmail() : null))
                .map(WebhooksGrpcService::endpoint));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<RotateWebhookSecretResponse> rotateSecret(RotateWebhookSecretRequest r) {
    return asPartner(
        partner ->
            endpoints
                .rotate(
                    partner,
                    Ids.parse(r.getEndpointId(), "endpoint_id"),
                    r.hasOverlap() ? Duration.ofMillis(overlapMillis(r.getOverlap())) : null)
                .map(
                    rotated ->
                        RotateWebhookSecretResponse.newBuilder()
                            .setEndpoint(endpoint(rotated.endpoint()))
                            .setSigningSecret(rotated.signingSecret())
                            .build()));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<DeleteWebhookEndpointResponse> deleteEndpoint(DeleteWebhookEndpointRequest r) {
    return asPartner(
        partner ->
            endpoints
                .delete(partner, Ids.parse(r.getEndpointId(), "endpoint_id"))
                .replaceWith(DeleteWebhookEndpointResponse.getDefaultInstance()));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<ListWebhookDeliveriesResponse> listDeliveries(ListWebhookDeliveriesRequest r) {
    return asPartner(
        partner ->
            deliveries(partner, r.getEndpointId(), status(r.getStatus()), r.getPageSize(), r.getPageToken()));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<ListWebhookDeliveriesResponse> listDeadLetters(ListWebhookDeadLettersRequest r) {
    return asPartner(
        partner -> deliveries(partner, r.getEndpointId(), Delivery.Status.PARKED, r.getPageSize(), r.getPageToken()));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<WebhookDelivery> replayDelivery(ReplayWebhookDeliveryRequest r) {
    return asPartner(
        partner -> log.replay(partner, Ids.parse(r.getDeliveryId(), "delivery_id")).map(WebhooksGrpcService::delivery));
  }

  @Override
  @RolesAllowed(SCOPE_MANAGE)
  public Uni<ReplayWebhookDeadLettersResponse> replayDeadLetters(ReplayWebhookDeadLettersRequest r) {
    return asPartner(
        partner ->
            log.replayParked(partner, Ids.parse(r.getEndpointId(), "endpoint_id"))
                .map(n -> ReplayWebhookDeadLettersResponse.newBuilder().setReplayed(n).build()));
  }

  private Uni<ListWebhookDeliveriesResponse> deliveries(
      String partner, String endpointId, Delivery.Status status, int pageSize, String pageToken) {
    UUID endpoint = Ids.parse(endpointId, "endpoint_id");
    int size = pageSize(pageSize);
    UUID before = pageToken(pageToken);
    return log.list(partner, endpoint, status, before, size + 1)
        .map(
            rows -> {
              ListWebhookDeliveriesResponse.Builder out = ListWebhookDeliveriesResponse.newBuilder();
              rows.stream().limit(size).map(WebhooksGrpcService::delivery).forEach(out::addDeliveries);
              if (rows.size() > size) {
                out.setNextPageToken(rows.get(size - 1).id().toString());
              }
              return out.build();
            });
  }

  static WebhookEndpoint endpoint(Endpoint e) {
    WebhookEndpoint.Builder b =
        WebhookEndpoint.newBuilder()
            .setEndpointId(e.id().toString())
            .setUrl(e.url())
            .setDescription(e.description())
            .addAllEventTypes(e.eventTypes())
            .setDeliveryMode(
                e.mode() == DeliveryMode.DIGEST
                    ? WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST
                    : WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_PER_EVENT)
            .setEnabled(e.enabled())
            .setCreatedAt(ts(e.createdAt()))
            .setUpdatedAt(ts(e.updatedAt()));
    if (e.digestWindowMs() != null) {
      b.setDigestWindow(com.google.protobuf.util.Durations.fromMillis(e.digestWindowMs()));
    }
    if (e.contactEmail() != null) {
      b.setContactEmail(e.contactEmail());
    }
    if (e.disabledReason() != null) {
      b.setDisabledReason(e.disabledReason());
    }
    if (e.disabledAt() != null) {
      b.setDisabledAt(ts(e.disabledAt()));
    }
    if (e.previousSecretExpiresAt() != null) {
      b.setPreviousSecretExpiresAt(ts(e.previousSecretExpiresAt()));
    }
    return b.build();
  }

  static WebhookDelivery delivery(Delivery d) {
    WebhookDelivery.Builder b =
        WebhookDelivery.newBuilder()
            .setDeliveryId(d.id().toString())
            .setEndpointId(d.endpointId().toString())
            .setDeliveryMode(
                d.kind() == DeliveryMode.DIGEST
                    ? WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST
                    : WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_PER_EVENT)
            .setEventType(d.eventType())
            .setStatus(WebhookDeliveryStatus.valueOf("WEBHOOK_DELIVERY_STATUS_" + d.status().name()))
            .setWebhookId(d.webhookId())
            .setAttemptCount(d.attemptCount())
            .setNextAttemptAt(ts(d.nextAttemptAt()))
            .setCreatedAt(ts(d.createdAt()));
    d.eventIds().forEach(id -> b.addEventIds(id.toString()));
    if (d.deliveredAt() != null) {
      b.setDeliveredAt(ts(d.deliveredAt()));
    }
    if (d.parkedAt() != null) {
      b.setParkedAt(ts(d.parkedAt()));
    }
    if (d.parkedReason() != null) {
      b.setParkedReason(d.parkedReason());
    }
    for (Delivery.Attempt a : d.attempts()) {
      WebhookDeliveryAttempt.Builder attempt =
          WebhookDeliveryAttempt.newBuilder()
              .setAttemptNumber(a.attemptNo())
              .setCycle(a.cycle())
              .setStartedAt(ts(a.startedAt()))
              .setLatencyMs(a.latencyMs());
      if (a.httpStatus() != null) {
        attempt.setHttpStatus(a.httpStatus());
      }
      if (a.errorClass() != null) {
        attempt.setErrorClass(a.errorClass());
      }
      b.addAttempts(attempt);
    }
    return b.build();
  }

  private static DeliveryMode mode(WebhookDeliveryMode mode) {
    return switch (mode) {
      case WEBHOOK_DELIVERY_MODE_UNSPECIFIED, WEBHOOK_DELIVERY_MODE_PER_EVENT -> DeliveryMode.PER_EVENT;
      case WEBHOOK_DELIVERY_MODE_DIGEST -> DeliveryMode.DIGEST;
      default -> throw ApiException.invalid("delivery_mode is not a known mode", "INVALID_DELIVERY_MODE");
    };
  }

  private static Delivery.Status status(WebhookDeliveryStatus status) {
    return switch (status) {
      case WEBHOOK_DELIVERY_STATUS_UNSPECIFIED -> null;
      case WEBHOOK_DELIVERY_STATUS_COLLECTING -> Delivery.Status.COLLECTING;
      case WEBHOOK_DELIVERY_STATUS_PENDING -> Delivery.Status.PENDING;
      case WEBHOOK_DELIVERY_STATUS_DELIVERED -> Delivery.Status.DELIVERED;
      case WEBHOOK_DELIVERY_STATUS_PARKED -> Delivery.Status.PARKED;
      default -> throw ApiException.invalid("status is not a known delivery status", "INVALID_STATUS");
    };
  }

  private static long millis(com.google.protobuf.Duration d, String field) {
    if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getSeconds() > 10L * 365 * 24 * 3600) {
      throw ApiException.invalid(field + " is out of range", "INVALID_DIGEST_WINDOW");
    }
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  private static long overlapMillis(com.google.protobuf.Duration d) {
    if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getSeconds() > 10L * 365 * 24 * 3600) {
      throw ApiException.invalid("overlap is out of range", "INVALID_OVERLAP");
    }
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  private static int pageSize(int requested) {
    int size = requested == 0 ? DEFAULT_PAGE : requested;
    if (size < 1 || size > MAX_PAGE) {
      throw ApiException.invalid("page_size must be between 1 and " + MAX_PAGE, "INVALID_PAGE_SIZE");
    }
    return size;
  }

  private static UUID pageToken(String token) {
    if (token.isEmpty()) {
      return null;
    }
    try {
      return UUID.fromString(token);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("page_token is not one this service gave", "INVALID_PAGE_TOKEN");
    }
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** Runs {@code call} as the verified partner. */
  private <T> Uni<T> asPartner(Function<String, Uni<T>> call) {
    return GrpcCallers.asCaller(identity, call);
  }

}
