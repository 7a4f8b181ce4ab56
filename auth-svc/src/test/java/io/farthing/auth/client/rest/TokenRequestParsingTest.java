package io.farthing.auth.client.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.farthing.auth.client.ClientCredentialsGrant.TokenRequest;
import io.farthing.auth.client.OAuthError;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenRequestParsingTest {

  @Test
  void basicCredentialsAreFormDecodedAfterBase64() {
    TokenRequest request = TokenResource.parse(form("grant_type", "client_credentials"),
        basic("fcl_abc", "s%3Acret%2B1"));
    assertNull(request.unreadable());
    assertEquals("fcl_abc", request.credentials().clientId());
    assertEquals("s:cret+1", request.credentials().clientSecret());
  }

  @Test
  void formCredentialsAreUsedWithoutBasic() {
    MultivaluedHashMap<String, String> form = form("grant_type", "client_credentials");
    form.add("client_id", "fcl_abc");
    form.add("client_secret", "secret");
    form.add("scope", "payments:read");
    TokenRequest request = TokenResource.parse(form, "Bearer something-else");
    assertEquals("fcl_abc", request.credentials().clientId());
    assertEquals("payments:read", request.scope());
  }

  @Test
  void unreadableRequestsAreMarkedNotThrown() {
    MultivaluedHashMap<String, String> repeated = form("grant_type", "client_credentials");
    repeated.add("grant_type", "client_credentials");
    assertEquals(OAuthError.INVALID_REQUEST, TokenResource.parse(repeated, null).unreadable().error());

    MultivaluedHashMap<String, String> both = form("client_secret", "x");
    assertEquals(OAuthError.INVALID_REQUEST, TokenResource.parse(both, basic("a", "b")).unreadable().error());

    assertEquals(OAuthError.INVALID_CLIENT, TokenResource.parse(form(), "Basic %%%").unreadable().error());
    String noColon = "Basic " + Base64.getEncoder().encodeToString("fcl_abc".getBytes(StandardCharsets.UTF_8));
    assertEquals(OAuthError.INVALID_CLIENT, TokenResource.parse(form(), noColon).unreadable().error());
  }

  private static MultivaluedHashMap<String, String> form(String... pairs) {
    MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      form.add(pairs[i], pairs[i + 1]);
    }
    return form;
  }

  private static String basic(String id, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
