package io.farthing.notify.webhook.secret;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The rollout step from a release without encryption: plaintext kept for that release's pods. */
public class KeepPlaintextProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("notify.webhooks.secrets.keep-plaintext", "true");
  }
}
