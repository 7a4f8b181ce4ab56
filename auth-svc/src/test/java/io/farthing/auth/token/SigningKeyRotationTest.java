package io.farthing.auth.token;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.Api.signIn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.AccountsFixtures;
import io.farthing.auth.support.Api;
import io.farthing.testing.Sql;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rotation as verifiers experience it. Runs in its own application instance: rotating changes
 * which key signs for every later test, and the verifier's JWKS cache is part of what is tested.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(SigningKeyRotationTest.OwnInstance.class)
// Ordered: a verifier refetches its JWKS for an unknown kid at most once a minute, so only one
// test may make a new key sign and then present its token.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SigningKeyRotationTest {

  public static class OwnInstance implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("auth.jwt.publish-ahead", "PT15M");
    }
  }

  @Inject SigningKeyService signingKeys;

  @Test
  @Order(2)
  void theNextKeyIsPublishedBeforeItSignsAndOldTokensStayValid() {
    Api.TestUser user = aUser();
    String before = signIn(user).accessToken();
    String oldKid = kidOf(before);

    Map<String, String> rotation =
        as(adminToken()).post("/admin/v1/signing-keys/rotate").then().statusCode(200).extract().path("");
    String newKid = rotation.get("kid");
    assertNotEquals(oldKid, newKid);

    // Published at once, so verifiers can fetch it before it signs anything...
    assertTrue(publishedKids().containsAll(List.of(oldKid, newKid)));
    // ...but the old key keeps signing until the new one activates.
    assertEquals(oldKid, kidOf(signIn(user).accessToken()));

    activateNow(newKid);

    String after = signIn(user).accessToken();
    assertEquals(newKid, kidOf(after));
    as(after).get("/v1/me").then().statusCode(200).body("id", equalTo(user.id()));
    as(before).get("/v1/me").then().statusCode(200).body("id", equalTo(user.id()));
    assertTrue(publishedKids().contains(oldKid), "the old key stays published until its tokens expire");
  }

  @Test
  @Order(3)
  void aSecondRotationWhilePendingReturnsItAndARetiredKeyLeavesTheJwksAfterItsTokens() {
    String admin = adminToken();
    String oldKid = kidOf(admin);
    String first = as(admin).post("/admin/v1/signing-keys/rotate").then().statusCode(200).extract().path("kid");
    String second = as(admin).post("/admin/v1/signing-keys/rotate").then().statusCode(200).extract().path("kid");
    assertEquals(first, second, "a rotation under way is not started twice");

    activateNow(first);
    assertTrue(publishedKids().contains(oldKid));
    Sql.update("update signing_keys set publish_until = now() - interval '1 second' where kid = '" + oldKid + "'");
    assertFalse(publishedKids().contains(oldKid));
  }

  @Test
  @Order(1)
  void onlyAnAdministratorMayRotate() {
    as(signIn(aUser()).accessToken())
        .post("/admin/v1/signing-keys/rotate")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given().post("/admin/v1/signing-keys/rotate").then().statusCode(401);
  }

  /** Moves a pending key's activation to now, as if publish-ahead had elapsed. */
  private void activateNow(String kid) {
    Sql.update("update signing_keys set retired_at = now() where retired_at > now()");
    Sql.update("update signing_keys set activates_at = now() - interval '1 second' where kid = '" + kid + "'");
    signingKeys.reload();
  }

  private static List<String> publishedKids() {
    return given().get("/.well-known/jwks.json").jsonPath().getList("keys.kid");
  }

  private static String adminToken() {
    return AccountsFixtures.anAdminToken();
  }

  private static String kidOf(String jwt) {
    String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
    return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
  }
}
