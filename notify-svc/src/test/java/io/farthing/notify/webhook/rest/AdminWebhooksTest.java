package io.farthing.notify.webhook.rest;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operators see parked deliveries across partners and replay them; nobody else may. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class AdminWebhooksTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final WebhookDeliveryStatus PARKED = WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PARKED;
  private static final WebhookDeliveryStatus DELIVERED = WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED;

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Test
  void anOperatorListsParkedDeliveriesAndReplaysOneAndThenAllOfAPartner() {
    try (Receiver receiver = Receiver.local().answering(n -> Receiver.Answer.status(500))) {
      String partner = aPartner();
      String id = anEndpoint(webhooks, partner, receiver.url()).getEndpoint().getEndpointId();
      String first = publish(notify, partner).getEventId();
      publish(notify, partner);
      await("both parked", WAIT, () -> deliveries(webhooks, partner, id).stream().filter(d -> d.getStatus() == PARKED).count() == 2);
      String admin = TestTokens.admin();

      given().auth().oauth2(admin).queryParam("partner", partner)
          .when().get("/admin/webhooks/dead-letters")
          .then().statusCode(200)
          .body("items.size()", equalTo(2))
          .body("items[0].eventIds[0]", equalTo(first))
          .body("items[0].status", equalTo("PARKED"))
          .body("items[0].partner", equalTo(partner))
          .body("items[0].attempts.size()", equalTo(4))
          .body("items[0].attempts[0].httpStatus", equalTo(500));
      String deliveryId =
          given().auth().oauth2(admin).queryParam("partner", partner).get("/admin/webhooks/dead-letters")
              .then().extract().path("items[0].deliveryId");

      receiver.answering(n -> Receiver.Answer.ok());
      given().auth().oauth2(admin)
          .when().post("/admin/webhooks/deliveries/" + deliveryId + "/replay")
          .then().statusCode(200).body("status", equalTo("PENDING"));
      await("the replayed one delivered", WAIT, () -> deliveries(webhooks, partner, id).stream().filter(d -> d.getStatus() == DELIVERED).count() == 1);
      given().auth().oauth2(admin).queryParam("partner", partner).get("/admin/webhooks/dead-letters")
          .then().body("items.size()", equalTo(1)).body("items.deliveryId", not(hasItem(deliveryId)));

      given().auth().oauth2(admin)
          .when().post("/admin/webhooks/partners/" + partner + "/dead-letters/replay")
          .then().statusCode(200).body("replayed", equalTo(1)).body("skippedDisabledEndpoints", equalTo(0));
      await("all delivered", WAIT, () -> deliveries(webhooks, partner, id).stream().allMatch(d -> d.getStatus() == DELIVERED));
      assertEquals(2 * 4 + 2, receiver.requests().size());
    }
  }

  @Test
  void refusesCallersWithoutTheAdminRoleAsProblemJson() {
    given().when().get("/admin/webhooks/dead-letters")
        .then().statusCode(401).contentType("application/problem+json");
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "user", "support"))
        .when().get("/admin/webhooks/dead-letters")
        .then().statusCode(403).contentType("application/problem+json").body("reason", equalTo("FORBIDDEN"));
    given().auth().oauth2(TestTokens.client("shop", "webhooks:manage"))
        .when().post("/admin/webhooks/partners/shop/dead-letters/replay")
        .then().statusCode(403).contentType("application/problem+json");
  }

  @Test
  void answersUnknownOrMalformedIdsAsProblemJson() {
    String admin = TestTokens.admin();
    given().auth().oauth2(admin).when().post("/admin/webhooks/deliveries/" + UUID.randomUUID() + "/replay")
        .then().statusCode(404).contentType("application/problem+json").body("reason", equalTo("DELIVERY_NOT_FOUND"));
    given().auth().oauth2(admin).when().post("/admin/webhooks/deliveries/nope/replay")
        .then().statusCode(400).contentType("application/problem+json").body("reason", equalTo("INVALID_ID"));
    given().auth().oauth2(admin).queryParam("limit", 0).when().get("/admin/webhooks/dead-letters")
        .then().statusCode(400).body("reason", equalTo("INVALID_LIMIT"));
  }
}
