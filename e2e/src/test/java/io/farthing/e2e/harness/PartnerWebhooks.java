package io.farthing.e2e.harness;

import io.farthing.e2e.harness.Platform.Partner;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Partners that manage webhooks: an API client at auth-svc with the payments scopes and
 * {@code webhooks:manage} (which {@link Platform#newPartner} does not grant), onboarded at
 * payments-svc like any partner, and notify-svc's {@code farthing.notify.v1.Webhooks} gRPC API with
 * that partner's token, on a channel this object owns.
 */
public final class PartnerWebhooks implements AutoCloseable {
  public static final String WEBHOOKS_MANAGE = "webhooks:manage";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final Platform platform;
  private final ManagedChannel notify;

  public PartnerWebhooks(Platform platform) {
    this.platform = platform;
    URI base = URI.create(platform.notifySvc());
    this.notify = NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build();
  }

  /** A partner as {@link Platform#newPartner} makes one, plus scope {@code webhooks:manage}. */
  public Partner newPartner(String label, String category) {
    List<String> scopes = new ArrayList<>(Platform.PARTNER_SCOPES);
    scopes.add(WEBHOOKS_MANAGE);
    Map<String, Object> client = Map.of("name", "e2e " + label + " webhooks " + SEQ.incrementAndGet(), "scopes", scopes);
    Http.Reply created = platform.http().post(platform.auth() + "/admin/v1/clients", platform.admin(), client).expect(201);
    String clientId = created.body().path("clientId").asText();
    String secret = created.body().path("clientSecret").asText();
    Partner partner = new Partner(clientId, secret, platform.partnerToken(clientId, secret), category);
    platform.onboard(partner, label);
    return partner;
  }

  /** notify-svc's Webhooks API as {@code partner}, with a 20 s deadline. */
  public WebhooksGrpc.WebhooksBlockingStub api(Partner partner) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + partner.token());
    return WebhooksGrpc.newBlockingStub(notify)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    notify.shutdownNow();
  }
}
