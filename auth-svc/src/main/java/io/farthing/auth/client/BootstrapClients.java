package io.farthing.auth.client;

import io.farthing.auth.config.AuthConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Creates the internal API clients named in configuration (auth.bootstrap-clients."id".secret and
 * .scopes), so the suite wires itself up without an administrator: payments-svc gets its
 * client-credentials client from FARTHING_PAYMENTS_CLIENT_SECRET. At every start each entry with a
 * secret is created under its id or brought back to the configured secret and scopes, so rotating
 * the secret in configuration rotates it here. Every entry is checked before any is applied: a
 * bad one stops the start-up, naming the key at fault and never the secret.
 */
@ApplicationScoped
public class BootstrapClients {
  private static final Logger LOG = Logger.getLogger(BootstrapClients.class);
  static final String PREFIX = "auth.bootstrap-clients";

  /** One configured client, checked. Its toString leaves the secret out. */
  record Wanted(String clientId, String secret, List<String> scopes) {
    @Override
    public String toString() {
      return "Wanted[clientId=" + clientId + ", scopes=" + scopes + "]";
    }
  }

  private final ClientService clients;

  public BootstrapClients(ClientService clients) {
    this.clients = clients;
  }

  void onStart(@Observes StartupEvent event, AuthConfig config) throws Throwable {
    apply(config.bootstrapClients());
  }

  /** Checks every entry, then creates or aligns each client in turn. */
  public void apply(Map<String, ? extends AuthConfig.BootstrapClient> configured) throws Throwable {
    for (Wanted wanted : checked(configured)) {
      ClientService.Reconciled outcome = VertxContextSupport.subscribeAndAwait(
          () -> clients.reconcileConfigured(wanted.clientId(), wanted.secret(), wanted.scopes()));
      switch (outcome) {
        case CREATED -> LOG.infof("Created internal client %s with scopes %s", wanted.clientId(), wanted.scopes());
        case UPDATED -> LOG.infof("Internal client %s now has the configured secret and scopes %s",
            wanted.clientId(), wanted.scopes());
        case UNCHANGED -> LOG.debugf("Internal client %s is as configured", wanted.clientId());
      }
    }
  }

  /**
   * The entries that have a secret, sorted by client id, once all of them pass; otherwise an
   * {@link IllegalStateException} listing every problem.
   */
  static List<Wanted> checked(Map<String, ? extends AuthConfig.BootstrapClient> configured) {
    List<Wanted> wanted = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (var entry : new TreeMap<String, AuthConfig.BootstrapClient>(configured).entrySet()) {
      String clientId = entry.getKey();
      String secret = entry.getValue().secret().filter(s -> !s.isBlank()).orElse(null);
      if (secret == null) {
        LOG.debugf("%s.\"%s\" has no secret: not bootstrapped", PREFIX, clientId);
        continue;
      }
      List<String> scopes = entry.getValue().scopes().orElse(List.of()).stream()
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .toList();
      for (String problem : ClientService.configuredClientProblems(clientId, secret, scopes)) {
        problems.add(PREFIX + ".\"" + clientId + "\": " + problem);
      }
      wanted.add(new Wanted(clientId, secret, scopes));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Refusing to start: bad bootstrap client configuration: " + String.join("; ", problems));
    }
    return wanted;
  }
}
