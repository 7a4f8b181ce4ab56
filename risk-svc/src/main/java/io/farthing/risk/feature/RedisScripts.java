package io.farthing.risk.feature;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.jboss.logging.Logger;

/**
 * Runs the feature store's Lua scripts: EVALSHA (only the 40-character digest travels), and on
 * NOSCRIPT (a restarted or flushed Redis) one EVAL, which also caches the script for the next
 * call. Every Redis call of the feature store goes through {@link #run}, so one circuit breaker
 * sees all of them: once Redis has failed or been late for half of the last 50 calls (25 ms of
 * traffic at 2,000 Scores a second), calls fail at once (CircuitBreakerOpenException) for 2 s
 * instead of each waiting out its budget, then trial calls decide whether to close it again.
 * The window is wide enough that the slow first calls of a cold JVM do not open it. The annotation values can be tuned with
 * {@code quarkus.fault-tolerance."io.farthing.risk.feature.RedisScripts/run".circuit-breaker.*}.
 */
@Startup // loads the scripts at boot, never lazily on an event-loop thread
@ApplicationScoped
public class RedisScripts {

  /** A Lua script and the SHA-1 digest Redis knows it by. */
  public record Script(String name, String source, String sha1) {
    public static Script of(String name, String source) {
      return new Script(name, source, sha1Hex(source));
    }

    /** Loads {@code risk/<name>.lua} from the classpath; a missing script fails the boot. */
    public static Script resource(String name) {
      String path = "risk/" + name + ".lua";
      try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException(path + " is missing from the classpath");
        }
        return of(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }

  private static final Logger LOG = Logger.getLogger(RedisScripts.class);
  private static final Duration STARTUP_LOAD_TIMEOUT = Duration.ofSeconds(5);

  /** The circuit breaker's name, for {@link CircuitBreakerMaintenance}. */
  public static final String BREAKER = "risk-features-redis";

  private final ReactiveRedisDataSource redis;
  private final CircuitBreakerMaintenance breakers;
  private final RateLimitedLog breakerLog = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final Script observe;
  private final Script learn;
  private final Script outcome;

  public RedisScripts(ReactiveRedisDataSource redis, CircuitBreakerMaintenance breakers) {
    this.redis = redis;
    this.breakers = breakers;
    this.observe = Script.resource("observe");
    this.learn = Script.resource("learn");
    this.outcome = Script.resource("outcome");
  }

  /**
   * Loads the scripts and opens a connection at boot, so the first Scores do not pay for either.
   * Fire and forget: a Redis that is down at boot only means degraded answers until it is back.
   */
  void loadAtStartup(@Observes StartupEvent event) {
    breakers.onStateChange(BREAKER, this::breakerChanged);
    Uni.join()
        .all(load(observe), load(learn), load(outcome))
        .andCollectFailures()
        .ifNoItem()
        .after(STARTUP_LOAD_TIMEOUT)
        .fail()
        .subscribe()
        .with(
            loaded -> LOG.debugf("feature scripts loaded into Redis"),
            failure ->
                LOG.warnf(
                    "feature scripts not loaded at startup (%s); features are degraded until Redis answers",
                    RateLimitedLog.describe(failure).substring(2)));
  }

  /** The breaker's openings and closings are the log lines an SRE needs; requests are not. */
  private void breakerChanged(CircuitBreakerState state) {
    switch (state) {
      case OPEN -> breakerLog.warn("Redis circuit breaker open: Scores answer degraded without waiting for Redis", null);
      case CLOSED -> LOG.info("Redis circuit breaker closed: Redis features are back");
      case HALF_OPEN -> LOG.debug("Redis circuit breaker half-open: trying Redis again");
    }
  }

  private Uni<Response> load(Script script) {
    return redis.execute(Command.SCRIPT, "LOAD", script.source());
  }

  Script observe() {
    return observe;
  }

  Script learn() {
    return learn;
  }

  Script outcome() {
    return outcome;
  }

  /**
   * The script's reply, or a failure: Redis's own error, a connection failure, a
   * {@link io.smallrye.mutiny.TimeoutException} after {@code timeout}, or
   * CircuitBreakerOpenException while the circuit is open.
   */
  @CircuitBreakerName(BREAKER)
  @CircuitBreaker(requestVolumeThreshold = 50, failureRatio = 0.5, delay = 2000, successThreshold = 2)
  public Uni<Response> run(Script script, List<String> keys, List<String> args, Duration timeout) {
    return redis
        .execute(Command.EVALSHA, arguments(script.sha1(), keys, args))
        .onFailure(RedisScripts::isNoScript)
        .recoverWithUni(() -> redis.execute(Command.EVAL, arguments(script.source(), keys, args)))
        .ifNoItem()
        .after(timeout)
        .fail();
  }

  private static String[] arguments(String scriptOrSha, List<String> keys, List<String> args) {
    String[] all = new String[2 + keys.size() + args.size()];
    all[0] = scriptOrSha;
    all[1] = Integer.toString(keys.size());
    int i = 2;
    for (String key : keys) {
      all[i++] = key;
    }
    for (String arg : args) {
      all[i++] = arg;
    }
    return all;
  }

  static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static String sha1Hex(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every JVM", e);
    }
  }
}
