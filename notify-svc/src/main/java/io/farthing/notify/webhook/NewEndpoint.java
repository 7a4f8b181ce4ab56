package io.farthing.notify.webhook;

import java.util.List;

/** A partner's endpoint registration, validated by {@link EndpointService}. */
public record NewEndpoint(
    String url, List<String> eventTypes, String description, DeliveryMode mode, Long digestWindowMs,
    String contactEmail) {}
