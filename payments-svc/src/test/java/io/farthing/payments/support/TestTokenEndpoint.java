package io.farthing.payments.support;

import io.farthing.testing.TestTokens;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Stands in for auth-svc's client-credentials token endpoint in tests, so payments-svc's real
 * ServiceTokens code fetches its token over HTTP. It checks the secret the test profile configures.
 */
@Path("/test/oauth2/token")
public class TestTokenEndpoint {
  public static final String SECRET = "test-secret-for-payments-svc-0123456789";
  /** How long the endpoint takes to answer (0: at once), for callers that give up meanwhile. */
  public static final java.util.concurrent.atomic.AtomicLong DELAY_MS = new java.util.concurrent.atomic.AtomicLong();

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.APPLICATION_JSON)
  public Response token(
      @FormParam("grant_type") String grant,
      @FormParam("client_id") String clientId,
      @FormParam("client_secret") String secret) {
    if (!"client_credentials".equals(grant) || !SECRET.equals(secret)) {
      return Response.status(401).entity(Map.of("error", "invalid_client")).build();
    }
    long delay = DELAY_MS.get();
    if (delay > 0) {
      try {
        Thread.sleep(delay); // a blocking endpoint: a worker thread waits, as a slow auth-svc would
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String token = TestTokens.client(clientId, "auth:internal", "risk:score", "risk:report", "notify:publish");
    return Response.ok(Map.of("access_token", token, "token_type", "Bearer", "expires_in", 300)).build();
  }
}
