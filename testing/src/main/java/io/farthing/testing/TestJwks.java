package io.farthing.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the service's JWT verification at the JWKS of {@link TestTokens}' test key. */
public class TestJwks implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return Map.of("mp.jwt.verify.publickey.location", TestTokens.jwksFile().toUri().toString());
  }

  @Override
  public void stop() {}
}
