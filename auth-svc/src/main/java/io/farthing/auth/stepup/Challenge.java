package io.farthing.auth.stepup;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A request that one user confirm one action (its purpose) with a second factor. */
@Entity
@Table(name = "challenges")
public class Challenge extends PanacheEntityBase {

  public enum Status {
    PENDING,
    VERIFIED,
    FAILED
  }

  public enum Method {
    TOTP("urn:farthing:acr:totp"),
    DEVICE_KEY("urn:farthing:acr:device"),
    RECOVERY_CODE("urn:farthing:acr:recovery-code");

    /** The authentication context class a step-up token records for this method. */
    public final String acr;

    Method(String acr) {
      this.acr = acr;
    }
  }

  /** After this many wrong answers the challenge is dead; a new one must be created. */
  public static final int MAX_FAILED_ATTEMPTS = 5;

  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  public String purpose;

  @Column(name = "amount_minor")
  public Long amountMinor;

  public String currency;

  /** Newline-separated words for the user, e.g. "new merchant". */
  public String reasons;

  /** Comma-separated {@link Method} names. */
  @Column(name = "allowed_methods")
  public String allowedMethods;

  @Column(name = "device_nonce")
  public String deviceNonce;

  @Enumerated(EnumType.STRING)
  public Status status;

  @Column(name = "failed_attempts")
  public int failedAttempts;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "verified_at")
  public Instant verifiedAt;

  @Column(name = "verified_method")
  public String verifiedMethod;

  public Set<Method> methods() {
    if (allowedMethods == null || allowedMethods.isBlank()) {
      return EnumSet.noneOf(Method.class);
    }
    return Arrays.stream(allowedMethods.split(","))
        .map(Method::valueOf)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Method.class)));
  }

  public boolean isExpired(Instant now) {
    return !expiresAt.isAfter(now);
  }
}
