package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The (Secret, key) pairs the values declare, per the chart contract: any map under
 * {@code .Values.secrets}, however deep, that holds {@code existingSecret: <name>} and
 * {@code keys: {<logical>: <key in the Secret>, ...}} declares each of those keys of that Secret.
 */
record SecretDeclarations(Map<String, Set<String>> keysBySecret) {

  static SecretDeclarations of(JsonNode values) {
    Map<String, Set<String>> keysBySecret = new TreeMap<>();
    collect(values.path("secrets"), keysBySecret);
    return new SecretDeclarations(keysBySecret);
  }

  private static void collect(JsonNode node, Map<String, Set<String>> keysBySecret) {
    if (!node.isObject()) {
      return;
    }
    if (node.path("existingSecret").isTextual() && node.path("keys").isObject()) {
      Set<String> keys = keysBySecret.computeIfAbsent(node.path("existingSecret").asText(), s -> new TreeSet<>());
      node.path("keys").forEach(key -> keys.add(key.asText()));
      return;
    }
    node.forEach(child -> collect(child, keysBySecret));
  }

  boolean declares(String secret, String key) {
    return keysBySecret.getOrDefault(secret, Set.of()).contains(key);
  }

  boolean declares(String secret) {
    return keysBySecret.containsKey(secret);
  }

  Set<String> secrets() {
    return keysBySecret.keySet();
  }
}
