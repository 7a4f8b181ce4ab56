package io.farthing.auth.client;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.crypto.Secrets;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Administration of API clients: create (the secret is shown once), list, rotate the secret with
 * a grace period, change scopes, disable; and internal clients kept in line with configuration
 * ({@link BootstrapClients}). Every change is audited in its own transaction.
 */
@ApplicationScoped
public class ClientService {
  private static final Logger LOG = Logger.getLogger(ClientService.class);
  public static final String CREATED = "CLIENT_CREATED";
  public static final String SECRET_ROTATED = "CLIENT_SECRET_ROTATED";
  public static final String DISABLED = "CLIENT_DISABLED";
  public static final String SCOPES_CHANGED = "CLIENT_SCOPES_CHANGED";
  public static final String RENAMED = "CLIENT_RENAMED";
  public static final String CLIENT_NOT_FOUND = "CLIENT_NOT_FOUND";
  public static final String CLIENT_DISABLED = "CLIENT_DISABLED";
  /** How long a replaced secret keeps working unless the admin says otherwise. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
  /** The longest grace an admin may choose: a week. */
  public static final long MAX_GRACE_SECONDS = Duration.ofDays(7).toSeconds();
  private static final String SECRET_PREFIX = "fcs_";
  private static final int SECRET_BYTES = 32;
  private static final int MAX_NAME = 100;
  /** The shortest secret a configured (bootstrapped) client may have. */
  public static final int MIN_CONFIGURED_SECRET = 24;
  /** The longest: the token endpoint reads no longer parameter than 1024 characters. */
  public static final int MAX_CONFIGURED_SECRET = 256;
  /** How many times a bootstrap that lost an insert race to another replica looks again. */
  private static final int CONFIGURED_RETRIES = 2;

  /** What bringing a configured client in line with its configuration did. */
  public enum Reconciled {
    CREATED,
    /** Its secret and/or scopes were replaced by the configured ones. */
    UPDATED,
    UNCHANGED
  }

  /** What admins see of a client; never its secret or the secret's digest. */
  public record ClientView(
      String clientId,
      String name,
      List<String> scopes,
      ApiClient.Status status,
      Instant createdAt,
      Instant updatedAt,
      Instant disabledAt,
      Instant previousSecretExpiresAt) {
    static ClientView of(ApiClient client) {
      return new ClientView(
          client.id,
          client.name,
          List.copyOf(client.scopeSet()),
          client.status,
          client.createdAt,
          client.updatedAt,
          client.disabledAt,
          client.previousSecretExpiresAt);
    }
  }

  /** A client with the secret just generated for it: the only time the secret is returned. */
  public record ClientWithSecret(ClientView client, String clientSecret) {}

  private final ApiClientRepository clients;
  private final AuditLog audit;

  public ClientService(ApiClientRepository clients, AuditLog audit) {
    this.clients = clients;
    this.audit = audit;
  }

  public Uni<ClientWithSecret> create(
      String name, Collection<String> scopes, AuditLog.Actor actor, Origin origin) {
    String validName = validName(name);
    Set<String> validScopes = validScopes(scopes);
    String secret = newSecret();
    Instant now = Instant.now();
    ApiClient client = new ApiClient();
    client.id = "fcl_" + Ids.newId().toString().replace("-", "");
    client.name = validName;
    client.setScopes(validScopes);
    client.secretHash = Secrets.sha256Hex(secret);
    client.status = ApiClient.Status.ACTIVE;
    client.createdAt = now;
    client.updatedAt = now;
    return Panache.withTransaction(
            () ->
                clients
                    .persist(client)
                    .call(() -> audit.record(actor, null, CREATED, AuditLog.Outcome.SUCCESS, origin,
                        client.id + " scopes=" + client.scopes)))
        .map(created -> new ClientWithSecret(ClientView.of(created), secret));
  }

  /**
   * Makes the internal client {@code clientId} exist with exactly this secret and these scopes,
   * as configured (auth.bootstrap-clients): creates it under that id, or replaces a secret or
   * scopes that differ. A replaced secret stops working at once (the configuration is the truth,
   * so rotating it there is a rotation with no grace), and any grace left from an admin's rotation
   * ends too. Idempotent, and safe when replicas start together: the row is compared under a
   * row lock, and a replica whose insert loses the race to another's looks again and finds it.
   * Every change is audited as the system. A disabled client stays disabled (with a warning):
   * only an administrator undoes an administrator's decision.
   *
   * @throws IllegalArgumentException when {@link #configuredClientProblems} finds any
   */
  public Uni<Reconciled> reconcileConfigured(String clientId, String secret, Collection<String> scopes) {
    List<String> problems = configuredClientProblems(clientId, secret, scopes);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String digest = Secrets.sha256Hex(secret);
    String wantedScopes = String.join(" ", new TreeSet<>(scopes));
    return Uni.createFrom()
        .deferred(() -> Panache.withTransaction(() -> clients.findClientForUpdate(clientId)
            .chain(existing -> existing == null
                ? createConfigured(clientId, digest, wantedScopes)
                : alignConfigured(existing, digest, wantedScopes))))
        .onFailure(ClientService::isUniqueViolation)
        .retry()
        .atMost(CONFIGURED_RETRIES);
  }

  /**
   * What is wrong with a configured client, as phrases naming the field at fault ("the secret
   * must ..."); empty when nothing is. They never quote the secret.
   */
  public static List<String> configuredClientProblems(String clientId, String secret, Collection<String> scopes) {
    List<String> problems = new ArrayList<>();
    if (!ApiClientRepository.isWellFormed(clientId)) {
      problems.add("the client id must be a service name: 3 to 63 lowercase letters, digits and single "
          + "hyphens, starting with a letter (e.g. payments-svc)");
    }
    if (secret == null || secret.length() < MIN_CONFIGURED_SECRET) {
      problems.add("the secret must be at least " + MIN_CONFIGURED_SECRET + " characters long");
    } else if (secret.length() > MAX_CONFIGURED_SECRET) {
      problems.add("the secret must be at most " + MAX_CONFIGURED_SECRET + " characters long");
    } else if (!secret.strip().equals(secret)) {
      problems.add("the secret must not start or end with white space");
    }
    if (scopes == null || scopes.isEmpty()) {
      problems.add("scopes must name at least one scope");
    } else {
      for (String scope : scopes) {
        if (scope == null || !Scopes.ALL.contains(scope)) {
          problems.add("scope '" + scope + "' is unknown (known: " + String.join(", ", new TreeSet<>(Scopes.ALL))
              + ")");
        }
      }
    }
    return problems;
  }

  private Uni<Reconciled> createConfigured(String clientId, String digest, String scopes) {
    Instant now = Instant.now();
    ApiClient client = new ApiClient();
    client.id = clientId;
    client.name = clientId;
    client.scopes = scopes;
    client.secretHash = digest;
    client.status = ApiClient.Status.ACTIVE;
    client.createdAt = now;
    client.updatedAt = now;
    // Flushed here, so a replica that inserted the same id first fails this transaction now.
    return clients
        .persistAndFlush(client)
        .call(() -> audit.record(AuditLog.Actor.SYSTEM, null, CREATED, AuditLog.Outcome.SUCCESS,
            Origin.INTERNAL, client.id + " scopes=" + client.scopes + " source=config"))
        .replaceWith(Reconciled.CREATED);
  }

  private Uni<Reconciled> alignConfigured(ApiClient client, String digest, String scopes) {
    if (!client.isActive()) {
      LOG.warnf("Configured client %s is disabled and stays disabled; its secret and scopes still follow "
          + "the configuration", client.id);
    }
    boolean secretChanged = !Secrets.sameDigest(digest, client.secretHash);
    boolean scopesChanged = !scopes.equals(client.scopes);
    if (!secretChanged && !scopesChanged) {
      return Uni.createFrom().item(Reconciled.UNCHANGED);
    }
    String scopesBefore = client.scopes;
    client.updatedAt = Instant.now();
    Uni<Void> audited = Uni.createFrom().voidItem();
    if (secretChanged) {
      client.secretHash = digest;
      client.previousSecretHash = null;
      client.previousSecretExpiresAt = null;
      audited = audited.chain(() -> audit.record(AuditLog.Actor.SYSTEM, null, SECRET_ROTATED,
          AuditLog.Outcome.SUCCESS, Origin.INTERNAL, client.id + " grace=0s source=config"));
    }
    if (scopesChanged) {
      client.scopes = scopes;
      audited = audited.chain(() -> audit.record(AuditLog.Actor.SYSTEM, null, SCOPES_CHANGED,
          AuditLog.Outcome.SUCCESS, Origin.INTERNAL,
          client.id + " scopes=" + scopesBefore + " -> " + scopes + " source=config"));
    }
    return audited.replaceWith(Reconciled.UPDATED);
  }

  /** PostgreSQL's unique_violation (SQLSTATE 23505), wherever it sits in the cause chain. */
  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains("23505")) {
        return true;
      }
    }
    return false;
  }

  public Uni<Page<ClientView>> list(Integer limit, String cursor) {
    int size = Page.limit(limit);
    String after = Page.afterKey(cursor);
    return Panache.withSession(() -> clients.listAfter(after, size + 1))
        .map(rows -> Page.of(rows, size, row -> row.id, ClientView::of));
  }

  public Uni<ClientView> get(String clientId) {
    return Panache.withSession(() -> require(clientId)).map(ClientView::of);
  }

  /**
   * Issues a new secret. The previous one keeps working for {@code graceSeconds} (default 24 h,
   * 0 ends it now), so a partner can deploy the new secret without an outage. Only the secret
   * being replaced gets a grace period: one rotated away earlier stops at once.
   */
  public Uni<ClientWithSecret> rotateSecret(
      String clientId, Long graceSeconds, AuditLog.Actor actor, Origin origin) {
    Duration grace = validGrace(graceSeconds);
    String secret = newSecret();
    return Panache.withTransaction(
            () ->
                require(clientId)
                    .invoke(
                        client -> {
                          Instant now = Instant.now();
                          client.previousSecretHash = client.secretHash;
                          client.previousSecretExpiresAt = now.plus(grace);
                          client.secretHash = Secrets.sha256Hex(secret);
                          client.updatedAt = now;
                        })
                    .call(client -> audit.record(actor, null, SECRET_ROTATED, AuditLog.Outcome.SUCCESS,
                        origin, client.id + " grace=" + grace.toSeconds() + "s")))
        .map(client -> new ClientWithSecret(ClientView.of(client), secret));
  }

  /** Stops the client from getting new tokens. Disabling a disabled client changes nothing. */
  public Uni<ClientView> disable(String clientId, AuditLog.Actor actor, Origin origin) {
    return Panache.withTransaction(
            () ->
                require(clientId)
                    .call(
                        client -> {
                          if (!client.isActive()) {
                            return Uni.createFrom().voidItem();
                          }
                          Instant now = Instant.now();
                          client.status = ApiClient.Status.DISABLED;
                          client.disabledAt = now;
                          client.updatedAt = now;
                          return audit.record(actor, null, DISABLED, AuditLog.Outcome.SUCCESS, origin, client.id);
                        }))
        .map(ClientView::of);
  }

  /** Renames the client and/or replaces its scopes; tokens already issued keep their scopes. */
  public Uni<ClientView> update(
      String clientId, String name, Collection<String> scopes, AuditLog.Actor actor, Origin origin) {
    String validName = name == null ? null : validName(name);
    Set<String> validScopes = scopes == null ? null : validScopes(scopes);
    return Panache.withTransaction(
            () ->
                require(clientId)
                    .call(
                        client -> {
                          String scopesBefore = client.scopes;
                          boolean renamed = validName != null && !validName.equals(client.name);
                          if (validName != null) {
                            client.name = validName;
                          }
                          if (validScopes != null) {
                            client.setScopes(validScopes);
                          }
                          client.updatedAt = Instant.now();
                          Uni<Void> scopesAudit = scopesBefore.equals(client.scopes)
                              ? Uni.createFrom().voidItem()
                              : audit.record(actor, null, SCOPES_CHANGED, AuditLog.Outcome.SUCCESS, origin,
                                  client.id + " scopes=" + scopesBefore + " -> " + client.scopes);
                          return scopesAudit.chain(() -> renamed
                              ? audit.record(actor, null, RENAMED, AuditLog.Outcome.SUCCESS, origin, client.id)
                              : Uni.createFrom().voidItem());
                        }))
        .map(ClientView::of);
  }

  /** An existing, enabled client, for features that refer to partners. Needs an open session. */
  public Uni<ApiClient> requireEnabled(String clientId) {
    return require(clientId)
        .invoke(
            client -> {
              if (!client.isActive()) {
                throw ApiException.precondition("This partner client is disabled", CLIENT_DISABLED);
              }
            });
  }

  /** The client or NOT_FOUND. Needs an open session. */
  public Uni<ApiClient> require(String clientId) {
    return clients
        .findClient(clientId)
        .onItem()
        .ifNull()
        .failWith(() -> ApiException.notFound("No such client", CLIENT_NOT_FOUND));
  }

  static String validName(String name) {
    String stripped = name == null ? "" : name.strip();
    if (stripped.isEmpty() || stripped.length() > MAX_NAME) {
      throw ApiException.invalid("name must have 1 to " + MAX_NAME + " characters", "INVALID_NAME");
    }
    return stripped;
  }

  /** A non-empty set of known scopes; an unknown one refuses the whole request. */
  static Set<String> validScopes(Collection<String> scopes) {
    if (scopes == null || scopes.isEmpty()) {
      throw ApiException.invalid("scopes must name at least one scope", "MISSING_FIELD");
    }
    Set<String> valid = new TreeSet<>();
    for (String scope : scopes) {
      if (scope == null || !Scopes.ALL.contains(scope)) {
        throw ApiException.invalid("scopes must be among " + new TreeSet<>(Scopes.ALL), "UNKNOWN_SCOPE");
      }
      valid.add(scope);
    }
    return valid;
  }

  private static Duration validGrace(Long graceSeconds) {
    if (graceSeconds == null) {
      return DEFAULT_GRACE;
    }
    if (graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw ApiException.invalid(
          "graceSeconds must be between 0 and " + MAX_GRACE_SECONDS, "INVALID_GRACE_PERIOD");
    }
    return Duration.ofSeconds(graceSeconds);
  }

  private static String newSecret() {
    return Secrets.newToken(SECRET_PREFIX, SECRET_BYTES);
  }
}
