package io.farthing.notify.webhook;

/** How an endpoint receives events: a POST per event, or one per digest window. */
public enum DeliveryMode {
  PER_EVENT,
  DIGEST
}
