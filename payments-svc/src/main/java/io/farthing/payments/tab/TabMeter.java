package io.farthing.payments.tab;

import io.farthing.common.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Metered streams: a partner's MeterUsage stream draws on a METERED tab's budget (its cap, held
 * at open) one increment at a time, and however the stream ends the tab closes once, capturing
 * what was used and releasing the rest.
 *
 * <p>An increment is one conditional statement ({@link TabRepository#meter}): it counts only while
 * the tab is OPEN, with a sequence above the last counted one (a replay changes nothing) and a
 * total within the budget; there are no item rows and no ledger rows until the close. The stream
 * is counted in order, one increment at a time. Its end closes the tab through {@link
 * TabService#closeForStream} under the tab's row lock: half-close COMPLETED, a break DROPPED, an
 * increment past the budget BUDGET_EXCEEDED. An increment still in flight when the close runs
 * either committed first (and is settled) or finds the tab CLOSED (and is not counted), so what
 * is settled is exactly what was counted. A stream whose replica dies is closed IDLE by the
 * janitor.
 */
@ApplicationScoped
public class TabMeter {
  private static final Logger LOG = Logger.getLogger(TabMeter.class);

  /** One usage increment as the partner sent it, validated. */
  public record Increment(UUID tabId, long sequence, long amountMinor, String currency) {}

  /** A half-closed stream's answer: the closed tab and what this stream counted and ignored. */
  public record Summary(Tab tab, long counted, long replayed, long countedMinor) {}

  /**
   * One stream's running state. Touched by one increment at a time ({@code concatenate}), then by
   * the stream's end; never concurrently.
   */
  private static final class Stream {
    UUID tabId;
    /** The first message named the partner's own METERED tab: the stream's end closes it. */
    boolean attached;
    long counted;
    long replayed;
    long countedMinor;
  }

  private final Pool pool;
  private final TabRepository tabs;
  private final TabService service;
  private final Counter countedIncrements;
  private final Counter replayedIncrements;
  private final MeterRegistry meters;

  public TabMeter(Pool pool, TabRepository tabs, TabService service, MeterRegistry meters) {
    this.pool = pool;
    this.tabs = tabs;
    this.service = service;
    this.meters = meters;
    this.countedIncrements = meters.counter("farthing.payments.tabs.meter.increments", "outcome", "counted");
    this.replayedIncrements = meters.counter("farthing.payments.tabs.meter.increments", "outcome", "replayed");
  }

  /**
   * Counts the stream's increments in order; at its end closes the tab for why it ended and
   * answers the summary (half-close) or the stream's failure (anything else).
   */
  public Uni<Summary> meter(String partner, Multi<Increment> usage) {
    Stream stream = new Stream();
    return usage
        .onItem()
        .transformToUniAndConcatenate(increment -> count(partner, stream, increment))
        .onItem()
        .ignoreAsUni()
        .onItemOrFailure()
        .transformToUni((ignored, failure) -> end(partner, stream, failure));
  }

  private Uni<Void> count(String partner, Stream stream, Increment increment) {
    if (stream.tabId == null) {
      stream.tabId = increment.tabId();
    } else if (!stream.tabId.equals(increment.tabId())) {
      throw ApiException.invalid("Every message of a MeterUsage stream must name the same tab_id", "INVALID_ID");
    }
    return tabs.meter(
            pool, increment.tabId(), partner, increment.currency(), increment.amountMinor(), increment.sequence())
        .chain(
            counted -> {
              if (counted) {
                stream.attached = true;
                stream.counted++;
                stream.countedMinor += increment.amountMinor();
                countedIncrements.increment();
                return Uni.createFrom().voidItem();
              }
              return tabs.find(increment.tabId()).invoke(found -> notCounted(partner, stream, increment, found));
            })
        .replaceWithVoid();
  }

  /**
   * Why the conditional statement changed nothing: a replay is ignored; anything else fails the
   * stream with its reason.
   */
  private void notCounted(String partner, Stream stream, Increment increment, Optional<Tab> found) {
    Tab tab = found.filter(t -> t.partnerClientId().equals(partner)).orElseThrow(TabService::notFound);
    TabService.requireKind(tab, Tab.Kind.METERED);
    stream.attached = true;
    if (increment.sequence() <= tab.usage().lastSequence()) {
      stream.replayed++;
      replayedIncrements.increment();
      return;
    }
    if (!tab.currency().equals(increment.currency())) {
      throw ApiException.invalid("amount.currency must be the tab's currency", "CURRENCY_MISMATCH");
    }
    tab.status().requireTransition(TabStatus.OPEN);
    throw ApiException.precondition(
        "The increment would take the tab past its budget of " + tab.capMinor() + " (" + tab.totalMinor()
            + " used)",
        TabService.TAB_CAP_EXCEEDED);
  }

  private Uni<Summary> end(String partner, Stream stream, Throwable failure) {
    if (failure == null) {
      if (stream.tabId == null) {
        return Uni.createFrom()
            .failure(ApiException.invalid("A MeterUsage stream must send at least one increment", "MISSING_FIELD"));
      }
      return service
          .closeForStream(partner, stream.tabId, TabStatus.CloseReason.COMPLETED)
          .invoke(tab -> ended(TabStatus.CloseReason.COMPLETED))
          .map(tab -> new Summary(tab, stream.counted, stream.replayed, stream.countedMinor));
    }
    if (!stream.attached) {
      return Uni.createFrom().failure(failure);
    }
    TabStatus.CloseReason reason =
        failure instanceof ApiException e && TabService.TAB_CAP_EXCEEDED.equals(e.reason())
            ? TabStatus.CloseReason.BUDGET_EXCEEDED
            : TabStatus.CloseReason.DROPPED;
    return service
        .closeForStream(partner, stream.tabId, reason)
        .invoke(tab -> ended(reason))
        .onFailure()
        .invoke(
            e ->
                LOG.warnf(
                    "Metered tab %s was not closed after its stream ended (%s); the janitor closes it once idle",
                    stream.tabId, e.getClass().getSimpleName()))
        .onItemOrFailure()
        .transformToUni((tab, e) -> Uni.createFrom().failure(failure));
  }

  private void ended(TabStatus.CloseReason reason) {
    meters.counter("farthing.payments.tabs.meter.streams", "end", reason.name()).increment();
  }
}
