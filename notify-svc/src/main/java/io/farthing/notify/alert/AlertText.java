package io.farthing.notify.alert;

/** What a person reads: a short title (push, subject line) and a sentence or two of body. */
public record AlertText(String title, String body) {}
