package io.farthing.deploy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Helm chart contract the services, the chart and quarkus-kubernetes agree on (helper notes,
 * "THE HELM CHART CONTRACT"), written down once so every test checks the same thing.
 */
final class Contract {

  static final List<Service> SERVICES = List.of(
      new Service("auth", "auth-svc", 8101, true, List.of("notify")),
      new Service("payments", "payments-svc", 8102, false, List.of("auth", "risk", "notify")),
      new Service("risk", "risk-svc", 8103, true, List.of()),
      new Service("notify", "notify-svc", 8104, true, List.of()));

  static final String STARTUP_PATH = "/q/health/started";
  static final String READINESS_PATH = "/q/health/ready";
  static final String LIVENESS_PATH = "/q/health/live";

  private static final List<String> ALL = List.of("FARTHING_DB_HOST", "FARTHING_DB_PORT", "FARTHING_DB_NAME",
      "FARTHING_DB_USER", "FARTHING_DB_PASSWORD", "FARTHING_JWT_ISSUER", "FARTHING_JWKS_URL", "FARTHING_LOG_JSON",
      "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING", "QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED",
      "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES", "QUARKUS_PROFILE");
  private static final List<String> REDIS = List.of("FARTHING_REDIS_HOST", "FARTHING_REDIS_PORT", "FARTHING_REDIS_PASSWORD");
  private static final List<String> AUTH = List.of("FARTHING_DATA_KEYS", "FARTHING_BLIND_INDEX_KEY",
      "FARTHING_ADMIN_EMAIL", "FARTHING_ADMIN_PASSWORD", "FARTHING_PAYMENTS_CLIENT_SECRET", "FARTHING_NOTIFY_HOST",
      "FARTHING_NOTIFY_PORT");
  private static final List<String> PAYMENTS = List.of("FARTHING_AUTH_HOST", "FARTHING_AUTH_PORT", "FARTHING_RISK_HOST",
      "FARTHING_RISK_PORT", "FARTHING_NOTIFY_HOST", "FARTHING_NOTIFY_PORT", "FARTHING_PAYMENTS_CLIENT_SECRET",
      "FARTHING_PAYMENT_REQUEST_KEY", "FARTHING_PAYMENT_REQUEST_KEY_ID", "FARTHING_PAYMENT_REQUEST_PREVIOUS_KEYS",
      "FARTHING_PAYMENT_REQUEST_BASE_URL");
  private static final List<String> NOTIFY = List.of("FARTHING_WEBHOOK_KEYS", "FARTHING_SMTP_HOST", "FARTHING_SMTP_PORT",
      "FARTHING_SMTP_USER", "FARTHING_SMTP_PASSWORD", "FARTHING_SMTP_STARTTLS", "FARTHING_MAIL_FROM",
      "FARTHING_SMS_SENDER", "FARTHING_SMS_URL", "FARTHING_SMS_API_KEY");

  private Contract() {
  }

  static Service service(String component) {
    return SERVICES.stream().filter(s -> s.component().equals(component)).findFirst().orElseThrow();
  }

  /** A service: its component label, module (container and image name), port, Redis, gRPC peers. */
  record Service(String component, String module, int port, boolean usesRedis, List<String> grpcClients) {

    String name(String fullname) {
      return fullname + "-" + component;
    }

    String headlessName(String fullname) {
      return name(fullname) + "-headless";
    }

    /** The env var names its container has with the default values, exactly. */
    Set<String> envNames() {
      Set<String> names = new LinkedHashSet<>(ALL);
      if (usesRedis) {
        names.addAll(REDIS);
      }
      switch (component) {
        case "auth" -> names.addAll(AUTH);
        case "payments" -> names.addAll(PAYMENTS);
        case "notify" -> names.addAll(NOTIFY);
        default -> {
        }
      }
      // gRPC clients: the k8s profile (QUARKUS_PROFILE=prod,k8s) holds the Stork keys; the chart passes
      // only the headless Service to discover and the refresh period. FARTHING_<C>_HOST/PORT are listed above.
      for (String client : grpcClients) {
        names.add("FARTHING_" + client.toUpperCase(Locale.ROOT) + "_DISCOVERY_HOST");
      }
      if (!grpcClients.isEmpty()) {
        names.add("FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS");
      }
      return new TreeSet<>(names);
    }
  }
}
