package io.farthing.notify.webhook.ssrf;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Production's SSRF stance (no internal range allowed), keeping http so local receivers can exist. */
public class StrictSsrfProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    // The %test value would win over an unprofiled override: replace that one.
    return Map.of("%test.notify.webhooks.allowed-private-cidrs", "", "notify.webhooks.allowed-private-cidrs", "");
  }
}
