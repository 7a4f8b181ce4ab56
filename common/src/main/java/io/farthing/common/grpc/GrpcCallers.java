package io.farthing.common.grpc;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/** gRPC adapters' one way to act as the verified caller. */
public final class GrpcCallers {
  private GrpcCallers() {}

  /**
   * Runs {@code call} with the caller's name (the token's subject: a partner client id, a service,
   * a user id). The identity is read deferred (never {@code JsonWebToken} on the event loop), and
   * a synchronous throw from {@code call} fails the Uni, so {@link GrpcExceptionHandler} maps it once.
   */
  public static <T> Uni<T> asCaller(CurrentIdentityAssociation identity, Function<String, Uni<T>> call) {
    return identity
        .getDeferredIdentity()
        .chain(caller -> Uni.createFrom().<T>deferred(() -> call.apply(caller.getPrincipal().getName())));
  }
}
