package io.farthing.notify.webhook;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.notify.event.EventTypes;
import io.farthing.notify.webhook.ssrf.SsrfGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A partner's endpoints: registration (URL checked against SSRF, a fresh signing secret), changes,
 * secret rotation with an overlap, removal. Every call is scoped to the calling partner: another
 * partner's endpoint is ENDPOINT_NOT_FOUND, as if it did not exist.
 */
@ApplicationScoped
public class EndpointService {
  public static final int MAX_DESCRIPTION = 500;
  private static final int MAX_EMAIL = 254;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  /** An endpoint and its secret as the partner sees it, once. */
  public record WithSecret(Endpoint endpoint, String signingSecret) {}

  /** What UpdateEndpoint changes; a null field stays as it is. */
  public record Changes(String url, List<String> eventTypes, String description, Boolean enabled, String contactEmail) {}

  private final Pool pool;
  private final EndpointStore store;
  private final SsrfGuard guard;
  private final Vertx vertx;
  private final WebhooksConfig config;

  public EndpointService(Pool pool, EndpointStore store, SsrfGuard guard, Vertx vertx, WebhooksConfig config) {
    this.pool = pool;
    this.store = store;
    this.guard = guard;
    this.vertx = vertx;
    this.config = config;
  }

  public Uni<WithSecret> create(String partner, NewEndpoint request) {
    NewEndpoint e = validated(request);
    UUID id = Ids.newId();
    byte[] secret = WebhookSignature.newSecret(config.secretBytes());
    return checkUrl(e.url())
        .chain(
            () ->
                pool.withTransaction(
                    tx ->
                        store.lockAndCount(tx, partner)
                            .chain(
                                count -> {
                                  if (count >= config.maxEndpointsPerPartner()) {
                                    throw ApiException.precondition(
                                        "A partner may register at most " + config.maxEndpointsPerPartner() + " endpoints",
                                        "TOO_MANY_ENDPOINTS");
                                  }
                                  return store.insert(tx, id, partner, e);
                                })
                            .chain(() -> store.insertSecret(tx, id, secret))
                            .chain(() -> store.find(tx, partner, id))))
        .map(endpoint -> new WithSecret(endpoint, WebhookSignature.display(secret)));
  }

  public Uni<Endpoint> get(String partner, UUID id) {
    return store.find(pool, partner, id).map(EndpointService::found);
  }

  public Uni<List<Endpoint>> list(String partner, UUID after, int limit) {
    return store.list(pool, partner, after, limit);
  }

  public Uni<Endpoint> update(String partner, UUID id, Changes changes) {
    String url = changes.url() == null ? null : changes.url().trim();
    if (url != null) {
      guard.parse(url);
    }
    List<String> types = changes.eventTypes() == null ? null : eventTypes(changes.eventTypes());
    String description = changes.description() == null ? null : description(changes.description());
    String email = changes.contactEmail() == null ? null : email(changes.contactEmail());
    Uni<Void> checked = url == null ? Uni.createFrom().voidItem() : checkUrl(url);
    return checked.chain(
        () ->
            pool.withTransaction(
                tx ->
                    store.find(tx, partner, id)
                        .map(EndpointService::found)
                        .chain(
                            current ->
                                store.update(
                                    tx,
                                    new Endpoint(
                                        current.id(), partner, url == null ? current.url() : url,
                                        description == null ? current.description() : description,
                                        types == null ? current.eventTypes() : types, current.mode(),
                                        current.digestWindowMs(),
                                        email == null ? current.contactEmail() : email.isEmpty() ? null : email,
                                        current.enabled(), null, null, null, null, null)))
                        .chain(
                            () -> {
                              if (changes.enabled() == null) {
                                return Uni.createFrom().voidItem();
                              }
                              return changes.enabled() ? store.enable(tx, id) : store.disableByPartner(tx, id);
                            })
                        .chain(() -> store.find(tx, partner, id))));
  }

  public Uni<WithSecret> rotate(String partner, UUID id, Duration overlap) {
    Duration effective = overlap == null ? config.rotationOverlap() : overlap;
    if (effective.isNegative() || effective.compareTo(config.maxRotationOverlap()) > 0) {
      throw ApiException.invalid(
          "overlap must be between 0 and " + config.maxRotationOverlap().toHours() + " hours", "INVALID_OVERLAP");
    }
    byte[] secret = WebhookSignature.newSecret(config.secretBytes());
    return pool.withTransaction(
            tx ->
                store.find(tx, partner, id)
                    .map(EndpointService::found)
                    .chain(() -> store.rotate(tx, id, secret, effective.toMillis()))
                    .chain(() -> store.find(tx, partner, id)))
        .map(endpoint -> new WithSecret(endpoint, WebhookSignature.display(secret)));
  }

  public Uni<Void> delete(String partner, UUID id) {
    return pool.withTransaction(tx -> store.delete(tx, partner, id))
        .invoke(
            deleted -> {
              if (!deleted) {
                throw notFound();
              }
            })
        .replaceWithVoid();
  }

  /** Resolves and checks the URL on a worker thread (DNS blocks). */
  private Uni<Void> checkUrl(String url) {
    return vertx.executeBlocking(() -> guard.check(url), false).replaceWithVoid();
  }

  private NewEndpoint validated(NewEndpoint e) {
    String url = e.url() == null ? null : e.url().trim();
    guard.parse(url);
    DeliveryMode mode = e.mode() == null ? DeliveryMode.PER_EVENT : e.mode();
    Long window = e.digestWindowMs();
    if (mode == DeliveryMode.DIGEST) {
      Duration min = config.digest().minWindow();
      Duration max = config.digest().maxWindow();
      if (window == null || window < min.toMillis() || window > max.toMillis()) {
        throw ApiException.invalid(
            "digest_window must be between " + min.toMillis() + " ms and " + max.toMillis() + " ms",
            "INVALID_DIGEST_WINDOW");
      }
    } else if (window != null) {
      throw ApiException.invalid("digest_window applies only to DELIVERY_MODE_DIGEST", "INVALID_DIGEST_WINDOW");
    }
    String email = e.contactEmail() == null ? "" : email(e.contactEmail());
    return new NewEndpoint(
        url, eventTypes(e.eventTypes()), description(e.description()), mode, window, email.isEmpty() ? null : email);
  }

  static List<String> eventTypes(List<String> types) {
    for (String type : types) {
      if (!EventTypes.known(type)) {
        throw ApiException.invalid("Unknown event type " + type, "UNKNOWN_EVENT_TYPE");
      }
    }
    return types.stream().distinct().sorted().toList();
  }

  private static String description(String description) {
    String d = description == null ? "" : description;
    if (d.length() > MAX_DESCRIPTION) {
      throw ApiException.invalid("description is longer than " + MAX_DESCRIPTION + " characters", "FIELD_TOO_LONG");
    }
    return d;
  }

  private static String email(String email) {
    String e = email.trim();
    if (e.isEmpty()) {
      return e;
    }
    if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) {
      throw ApiException.invalid("contact_email is not an email address", "INVALID_EMAIL");
    }
    return e;
  }

  static Endpoint found(Endpoint endpoint) {
    if (endpoint == null) {
      throw notFound();
    }
    return endpoint;
  }

  static ApiException notFound() {
    return ApiException.notFound("No such webhook endpoint", "ENDPOINT_NOT_FOUND");
  }
}
