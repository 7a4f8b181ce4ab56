package io.farthing.risk.feature;

import java.util.UUID;

/**
 * Redis key names of the feature store; observe.lua documents what each key holds. Every key
 * starts with {@code risk:}. A user's keys share the hash tag {@code {u:<user id>}} and a
 * merchant's the tag {@code {m:<merchant id>}}, so on a Redis Cluster each entity's keys live in
 * one slot.
 */
final class FeatureKeys {
  /** A key name for a script argument that names no merchant; the scripts never touch it. */
  static final String NO_MERCHANT = "risk:{m:}:none";

  private FeatureKeys() {}

  /**
   * The first decision for a caller's request id. The caller is escaped so that "a:b" + "c"
   * and "a" + "b:c" can never share a key.
   */
  static String replay(String caller, String requestId) {
    return "risk:req:" + caller.replace("%", "%25").replace(":", "%3A") + ":" + requestId;
  }

  static String events(UUID userId) {
    return user(userId, "ev");
  }

  static String sums(UUID userId) {
    return user(userId, "agg");
  }

  static String devices(UUID userId) {
    return user(userId, "dev");
  }

  static String ips(UUID userId) {
    return user(userId, "ip");
  }

  static String merchantsSeen(UUID userId) {
    return user(userId, "mer");
  }

  static String amountStats(UUID userId) {
    return user(userId, "amt");
  }

  static String location(UUID userId) {
    return user(userId, "loc");
  }

  static String nearLimit(UUID userId) {
    return user(userId, "nl");
  }

  static String riskBudget(UUID userId) {
    return user(userId, "bud");
  }

  static String fraudReports(UUID userId) {
    return user(userId, "fr");
  }

  static String merchantDays(String merchantId) {
    return merchantId == null ? NO_MERCHANT : "risk:{m:" + merchantId + "}:days";
  }

  private static String user(UUID userId, String part) {
    return "risk:{u:" + userId + "}:" + part;
  }
}
