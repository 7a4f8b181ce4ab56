package io.farthing.auth.token.rest;

import io.farthing.auth.token.SigningKeyService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/.well-known/jwks.json")
@Tag(name = "Keys")
@PermitAll
public class JwksResource {
  private final SigningKeyService signingKeys;

  public JwksResource(SigningKeyService signingKeys) {
    this.signingKeys = signingKeys;
  }

  @GET
  @Produces("application/jwk-set+json")
  @Operation(summary = "The public keys that verify auth-svc's tokens (active and recently retired)")
  public Uni<Response> jwks() {
    return signingKeys
        .jwks()
        .map(
            body ->
                Response.ok(body)
                    .header("Cache-Control", "public, max-age=300")
                    .build());
  }
}
