package io.farthing.auth.device;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.as;
import static io.farthing.auth.support.SecondFactorFixtures.accessTokenFor;
import static io.farthing.testing.Sql.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.privacy.PersonalDataHolder;
import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.farthing.auth.totp.Base32;
import io.farthing.auth.totp.Totp;
import io.farthing.auth.totp.TotpService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Export and erasure of TOTP and device data through the PersonalDataHolder contract. */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class SecondFactorPersonalDataTest {

  @Inject @Any Instance<PersonalDataHolder> holders;

  @Test
  void exportShowsEnrolmentAndDevicesButNoSecretsAndEraseRemovesThem() throws Exception {
    Api.TestUser user = aUser();
    UUID userId = UUID.fromString(user.id());
    String token = accessTokenFor(user);
    enableTotp(token);
    String deviceId = registerDevice(token, "kitchen tablet");
    String bystanderToken = accessTokenFor(aUser());
    registerDevice(bystanderToken, "someone else's phone");

    Object totp = await(() -> Panache.withTransaction(() -> holder("totp").export(userId)));
    Object devices = await(() -> Panache.withTransaction(() -> holder("devices").export(userId)));
    TotpService.Status status = (TotpService.Status) totp;
    assertTrue(status.enabled());
    assertEquals(10, status.recoveryCodesLeft());
    List<?> deviceList = (List<?>) devices;
    assertEquals(1, deviceList.size());
    DeviceKeys.Device device = (DeviceKeys.Device) deviceList.get(0);
    assertEquals(deviceId, device.id().toString());
    assertEquals("kitchen tablet", device.name());

    await(() -> Panache.withTransaction(() -> holder("totp").erase(userId)
        .chain(() -> holder("devices").erase(userId))));

    as(token).get("/v1/me/totp").then().body("enabled", equalTo(false)).body("pending", equalTo(false));
    as(token).get("/v1/me/devices").then().body("$", hasSize(0));
    as(bystanderToken).get("/v1/me/devices").then().body("$", hasSize(1));
    Api.login(user.email(), user.password()).then().statusCode(200).body("mfaRequired", org.hamcrest.Matchers.nullValue());
    assertFalse(((TotpService.Status) await(() -> Panache.withSession(() -> holder("totp").export(userId)))).enabled());
  }

  private PersonalDataHolder holder(String section) {
    return holders.stream().filter(h -> h.section().equals(section)).findFirst().orElseThrow();
  }

  private static void enableTotp(String token) {
    byte[] secret = Base32.decode(as(token).body(java.util.Map.of("password", io.farthing.auth.support.Api.PASSWORD)).post("/v1/me/totp").then().statusCode(201).extract().path("secret"));
    as(token).body(Map.of("code", Totp.code(secret, Totp.stepAt(Instant.now()), 6)))
        .post("/v1/me/totp/confirm").then().statusCode(200);
  }

  private static String registerDevice(String token, String name) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    String publicKey = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    return as(token).body(Map.of("password", io.farthing.auth.support.Api.PASSWORD, "name", name, "publicKey", publicKey)).post("/v1/me/devices")
        .then().statusCode(201).extract().path("id");
  }
}
