package io.farthing.auth.client;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

@ApplicationScoped
public class ApiClientRepository implements PanacheRepositoryBase<ApiClient, String> {
  /** Client ids are "fcl_" and a UUIDv7 in hex: time-ordered, so they page by id. */
  private static final Pattern CLIENT_ID = Pattern.compile("^fcl_[0-9a-f]{32}$");

  public static boolean isWellFormed(String clientId) {
    return clientId != null && CLIENT_ID.matcher(clientId).matches();
  }

  /** The client, or null; ids that cannot exist are not looked up. */
  public Uni<ApiClient> findClient(String clientId) {
    return isWellFormed(clientId) ? findById(clientId) : Uni.createFrom().nullItem();
  }

  /** Up to {@code rows} clients after {@code afterId} (null: from the start), oldest first. */
  public Uni<List<ApiClient>> listAfter(String afterId, int rows) {
    return afterId == null
        ? find("order by id").range(0, rows - 1).list()
        : find("id > ?1 order by id", afterId).range(0, rows - 1).list();
  }
}
