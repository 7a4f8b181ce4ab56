package io.farthing.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * Histogram buckets for the request timers SREs alert on, so Prometheus can compute any quantile
 * across pods ({@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))}). Quantiles
 * computed inside one pod cannot be aggregated, and the timers publish no buckets by default.
 *
 * <p>Quarkus applies every {@link MeterFilter} bean to its registries; common is a bean archive, so
 * each service that depends on it gets this one.
 */
@Singleton
public class LatencyHistograms {

  /** Timers of incoming calls: REST (Vert.x HTTP binder) and gRPC (gRPC server binder). */
  static final Set<String> TIMERS = Set.of("http.server.requests", "grpc.server.processing.duration");

  /** Bucket range: the hot path is a few milliseconds, a call longer than 10 s is an outage anyway. */
  static final Duration MIN = Duration.ofMillis(1);

  static final Duration MAX = Duration.ofSeconds(10);

  @Produces
  @Singleton
  MeterFilter latencyHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!TIMERS.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) MIN.toNanos())
            .maximumExpectedValue((double) MAX.toNanos())
            .build()
            .merge(config);
      }
    };
  }
}
