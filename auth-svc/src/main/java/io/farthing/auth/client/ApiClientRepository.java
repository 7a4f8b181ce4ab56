package io.farthing.auth.client;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.regex.Pattern;

@ApplicationScoped
public class ApiClientRepository implements PanacheRepositoryBase<ApiClient, String> {
  /** Ids of clients an admin creates: "fcl_" and a UUIDv7 in hex, time-ordered. */
  private static final Pattern GENERATED_ID = Pattern.compile("^fcl_[0-9a-f]{32}$");
  /**
   * Ids of internal clients bootstrapped from configuration: a service name such as
   * "payments-svc" (lowercase letters, digits, single hyphens; 3 to 63 characters). The
   * underscore of "fcl_" keeps the two forms apart; the database checks the same (V6).
   */
  private static final Pattern SERVICE_NAME = Pattern.compile("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  /** A service name may not look like a UUID, so a partner token's sub never reads as a user id. */
  private static final Pattern UUID_SHAPE =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  private static final int MIN_NAME = 3;
  private static final int MAX_NAME = 63;

  public static boolean isWellFormed(String clientId) {
    return clientId != null && (GENERATED_ID.matcher(clientId).matches() || isServiceName(clientId));
  }

  /** Whether {@code clientId} is a valid id for a client bootstrapped under a service name. */
  public static boolean isServiceName(String clientId) {
    return clientId != null
        && clientId.length() >= MIN_NAME
        && clientId.length() <= MAX_NAME
        && SERVICE_NAME.matcher(clientId).matches()
        && !UUID_SHAPE.matcher(clientId).matches();
  }

  /** The client, or null; ids that cannot exist are not looked up. */
  public Uni<ApiClient> findClient(String clientId) {
    return isWellFormed(clientId) ? findById(clientId) : Uni.createFrom().nullItem();
  }

  /** The client locked for update (SELECT ... FOR UPDATE), or null. Needs a transaction. */
  public Uni<ApiClient> findClientForUpdate(String clientId) {
    return isWellFormed(clientId)
        ? findById(clientId, LockModeType.PESSIMISTIC_WRITE)
        : Uni.createFrom().nullItem();
  }

  /**
   * Up to {@code rows} clients after {@code afterId} (null: from the start), by id: generated ids
   * oldest first, named internal clients sorted among them by name.
   */
  public Uni<List<ApiClient>> listAfter(String afterId, int rows) {
    return afterId == null
        ? find("order by id").range(0, rows - 1).list()
        : find("id > ?1 order by id", afterId).range(0, rows - 1).list();
  }
}
