package io.farthing.auth.client;

import io.farthing.auth.crypto.Secrets;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** A partner or internal API client that obtains tokens with the client-credentials grant. */
@Entity
@Table(name = "api_clients")
public class ApiClient extends PanacheEntityBase {

  public enum Status {
    ACTIVE,
    /** Gets no new tokens; tokens already issued live out their short lifetime. */
    DISABLED
  }

  @Id public String id;

  public String name;

  /** Space-separated, sorted scopes. */
  public String scopes;

  @Column(name = "secret_hash")
  public String secretHash;

  /** The secret replaced by the last rotation, accepted until previousSecretExpiresAt. */
  @Column(name = "previous_secret_hash")
  public String previousSecretHash;

  @Column(name = "previous_secret_expires_at")
  public Instant previousSecretExpiresAt;

  @Enumerated(EnumType.STRING)
  public Status status;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "disabled_at")
  public Instant disabledAt;

  @Version public int version;

  public Set<String> scopeSet() {
    return new TreeSet<>(Arrays.asList(scopes.split(" ")));
  }

  public void setScopes(Set<String> scopeSet) {
    scopes = String.join(" ", new TreeSet<>(scopeSet));
  }

  public boolean isActive() {
    return status == Status.ACTIVE;
  }

  /**
   * Whether the presented secret's digest is the current secret's or, during its grace period,
   * the previous one's. Both comparisons always run, in constant time.
   */
  public boolean acceptsSecretDigest(String presentedDigest, Instant now) {
    boolean current = Secrets.sameDigest(presentedDigest, secretHash);
    boolean previous =
        Secrets.sameDigest(presentedDigest, previousSecretHash)
            && previousSecretExpiresAt != null
            && previousSecretExpiresAt.isAfter(now);
    return current | previous;
  }
}
