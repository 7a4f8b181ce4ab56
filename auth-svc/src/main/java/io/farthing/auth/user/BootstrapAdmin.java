package io.farthing.auth.user;

import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.config.AuthConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Creates the first administrator from configuration (auth.bootstrap-admin.*) if no account has
 * that email yet. The set-up command generates the password into .farthing/secrets.env.
 */
@ApplicationScoped
public class BootstrapAdmin {
  private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

  void onStart(@Observes StartupEvent event, AuthConfig config, UserService users) throws Throwable {
    String email = config.bootstrapAdmin().email().filter(s -> !s.isBlank()).orElse(null);
    String password = config.bootstrapAdmin().password().filter(s -> !s.isBlank()).orElse(null);
    if (email == null || password == null) {
      return;
    }
    VertxContextSupport.subscribeAndAwait(
        () ->
            users
                .register(email, password, "Administrator", "UTC", "user,admin", Origin.INTERNAL)
                .invoke(profile -> LOG.infof("Created bootstrap administrator %s", profile.id()))
                .replaceWithVoid()
                .onFailure(e -> e instanceof ApiException api && "EMAIL_TAKEN".equals(api.reason()))
                .recoverWithUni(Uni.createFrom().voidItem()));
  }
}
