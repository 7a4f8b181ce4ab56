package io.farthing.common.rest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A JSON body that names a field twice is refused (400 MALFORMED_BODY, by {@link ProblemMappers}),
 * not read as its last value: two readers of one body (a proxy or an audit log that keeps the first
 * value, the service that keeps the last) would otherwise act on different requests. Likewise a
 * body with anything after its JSON value ({@code {...}}}, {@code {...} garbage}) is refused, not
 * read up to where the value ends: it is not the JSON the caller meant to send. Applies to every
 * service's Quarkus-managed ObjectMapper, which reads every REST body.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }
}
