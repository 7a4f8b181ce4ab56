package io.farthing.risk.aml;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.risk.config.AmlConfig;
import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.RiskContext;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.Optional;
import java.util.UUID;

/**
 * AML cases for structuring: top-ups and P2P transfers kept just under the limit, again and
 * again. Scoring reports every decision through {@link #recordHit}; a qualifying one opens the
 * user's case or adds to the open one. Support resolves cases; a later hit opens a new case.
 */
@ApplicationScoped
public class AmlService {
  public static final String CASE_NOT_FOUND = "CASE_NOT_FOUND";
  public static final String CASE_ALREADY_RESOLVED = "CASE_ALREADY_RESOLVED";
  public static final String INVALID_RESOLUTION = "INVALID_RESOLUTION";
  public static final String INVALID_NOTE = "INVALID_NOTE";
  public static final String INVALID_STATUS = "INVALID_STATUS";
  public static final int MAX_NOTE = 2000;

  private final AmlCaseRepository cases;
  private final AmlConfig config;
  private final String windowInWords;

  public AmlService(AmlCaseRepository cases, AmlConfig config) {
    this.cases = cases;
    this.config = config;
    this.windowInWords = inWords(config.window());
  }

  /**
   * Records a decision on a top-up or P2P transfer just under the limit, when the user made at
   * least {@code risk.aml.case-min-hits} of them in the window (this one included).
   *
   * @return the id of the open case the hit now belongs to, or empty when the decision is no hit
   */
  public Uni<Optional<UUID>> recordHit(RiskContext ctx, Features features, UUID decisionId) {
    if (!isHit(ctx, features)) {
      return Uni.createFrom().item(Optional.empty());
    }
    return openOrExtend(ctx, features.number(FeatureNames.NEAR_LIMIT_COUNT_7D, 0), decisionId).map(Optional::of);
  }

  /** Whether the decision counts toward a structuring case; no I/O. */
  public boolean isHit(RiskContext ctx, Features features) {
    return ctx.channel().watchedForStructuring()
        && features.number(FeatureNames.NEAR_LIMIT, 0) == 1
        && features.number(FeatureNames.NEAR_LIMIT_COUNT_7D, 0) >= config.caseMinHits();
  }

  @WithTransaction
  Uni<UUID> openOrExtend(RiskContext ctx, long seenInWindow, UUID decisionId) {
    return cases.openOrExtend(ctx.userId(), ctx.amountMinor(), ctx.currency(), exponent(ctx.currency()), decisionId,
        seenInWindow, windowInWords);
  }

  @WithSession
  public Uni<AmlCaseView> get(String id) {
    return require(Ids.parse(id, "id")).map(AmlCaseView::of);
  }

  /** Cases, newest opened first, optionally only one status or one user's. */
  @WithSession
  public Uni<Page<AmlCaseView>> list(String status, String userId, Integer limit, String cursor) {
    AmlCase.Status wanted = status == null || status.isEmpty() ? null : parse(AmlCase.Status.class, status,
        "status must be OPEN or RESOLVED", INVALID_STATUS);
    UUID user = userId == null || userId.isEmpty() ? null : Ids.parse(userId, "userId");
    int size = Page.limit(limit);
    String after = Page.afterKey(cursor);
    Instant afterOpenedAt = null;
    UUID afterId = null;
    if (after != null) {
      try {
        int bar = after.indexOf('|');
        afterOpenedAt = Instant.parse(after.substring(0, bar));
        afterId = UUID.fromString(after.substring(bar + 1));
      } catch (RuntimeException e) {
        throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
      }
    }
    return cases.page(wanted, user, afterOpenedAt, afterId, size + 1)
        .map(rows -> Page.of(rows, size, c -> c.openedAt + "|" + c.id, AmlCaseView::of));
  }

  /** Closes an open case with a resolution; the acting user is recorded. */
  @WithTransaction
  public Uni<AmlCaseView> resolve(String id, String resolution, String note, String actor) {
    UUID caseId = Ids.parse(id, "id");
    AmlCase.Resolution how = parse(AmlCase.Resolution.class, resolution,
        "resolution must be CLEARED, REPORTED or ACCOUNT_RESTRICTED", INVALID_RESOLUTION);
    String text = note == null || note.isBlank() ? null : note.strip();
    if (text != null && text.length() > MAX_NOTE) {
      throw ApiException.invalid("note must have at most " + MAX_NOTE + " characters", INVALID_NOTE);
    }
    return cases.resolve(caseId, how, text, actor)
        .chain(changed -> require(caseId).invoke(c -> {
          if (changed == 0) {
            throw ApiException.conflict("Case " + caseId + " was already resolved", CASE_ALREADY_RESOLVED);
          }
        }))
        .map(AmlCaseView::of);
  }

  private Uni<AmlCase> require(UUID id) {
    return cases.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("No case " + id, CASE_NOT_FOUND));
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String message, String reason) {
    try {
      return Enum.valueOf(type, value == null ? "" : value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(message, reason);
    }
  }

  /** Minor-unit digits of the currency (2 when unknown), to write totals in major units. */
  static int exponent(String currency) {
    try {
      int digits = Currency.getInstance(currency).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException | NullPointerException e) {
      return 2;
    }
  }

  static String inWords(Duration window) {
    if (window.toDays() > 0 && window.equals(Duration.ofDays(window.toDays()))) {
      return window.toDays() == 1 ? "day" : window.toDays() + " days";
    }
    if (window.toHours() > 0 && window.equals(Duration.ofHours(window.toHours()))) {
      return window.toHours() == 1 ? "hour" : window.toHours() + " hours";
    }
    return window.toMinutes() + " minutes";
  }
}
