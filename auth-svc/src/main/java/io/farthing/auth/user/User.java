package io.farthing.auth.user;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** A person (or an operator) who signs in. Personal data is held only in encrypted columns. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

  public enum Status {
    ACTIVE,
    ERASED
  }

  public enum SecurityLevel {
    /** Step-up only when risk-svc asks for it. */
    STANDARD,
    /** Step-up for every payment at or above the user's threshold. */
    STRICT,
    /** Step-up for every payment. */
    ALWAYS
  }

  @Id public UUID id;

  @Column(name = "email_index")
  public String emailIndex;

  @Column(name = "email_enc")
  public byte[] emailEnc;

  @Column(name = "display_name_enc")
  public byte[] displayNameEnc;

  @Column(name = "data_key_wrapped")
  public byte[] dataKeyWrapped;

  @Column(name = "password_hash")
  public String passwordHash;

  /** Comma-separated roles: user, admin, support. */
  public String roles;

  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  public Status status;

  @Column(name = "time_zone")
  public String timeZone;

  @Column(name = "security_level")
  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  public SecurityLevel securityLevel;

  @Column(name = "strict_threshold_minor")
  public Long strictThresholdMinor;

  @Column(name = "strict_threshold_currency")
  public String strictThresholdCurrency;

  @Column(name = "locked_until")
  public Instant lockedUntil;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "erased_at")
  public Instant erasedAt;

  @Version public int version;

  public Set<String> roleSet() {
    return new TreeSet<>(Arrays.asList(roles.split(",")));
  }

  public boolean isActive() {
    return status == Status.ACTIVE;
  }

  public boolean isLocked(Instant now) {
    return lockedUntil != null && lockedUntil.isAfter(now);
  }
}
