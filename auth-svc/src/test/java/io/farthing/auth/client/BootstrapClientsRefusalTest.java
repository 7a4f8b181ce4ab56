package io.farthing.auth.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real start-up with a bad bootstrap client: it fails, says why, and never prints the secret. */
@QuarkusMainTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(BootstrapClientsRefusalTest.ShortSecret.class)
class BootstrapClientsRefusalTest {
  static final String SHORT_SECRET = "tooShortSecretXyz";

  public static class ShortSecret implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("auth.bootstrap-clients.\"payments-svc\".secret", SHORT_SECRET);
    }
  }

  @Test
  void aSecretShorterThan24CharactersStopsTheStartUp(QuarkusMainLauncher launcher) {
    LaunchResult result = launcher.launch();
    String output = result.getOutput() + "\n" + result.getErrorOutput();
    assertNotEquals(0, result.exitCode(), output);
    assertTrue(output.contains("auth.bootstrap-clients.\"payments-svc\": the secret must be at least 24 characters"),
        output);
    assertFalse(output.contains(SHORT_SECRET), "the secret must never reach the output");
  }
}
