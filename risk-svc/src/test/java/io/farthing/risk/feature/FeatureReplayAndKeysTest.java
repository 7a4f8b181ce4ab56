package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.PARIS;
import static io.farthing.risk.feature.Contexts.aContext;
import static io.farthing.risk.feature.Contexts.before;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.Verdict;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Replays change nothing; every key the store writes is named risk:... and expires. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class FeatureReplayAndKeysTest extends AbstractFeatureStoreTest {

  @Inject RedisDataSource redis;
  @Inject RedisScripts scripts;

  @Test
  void aRetryWithTheSameRequestIdAnswersTheFirstDecisionAndCountsNothing() {
    UUID user = UUID.randomUUID();
    String merchant = "m-" + UUID.randomUUID();
    String requestId = "req-" + UUID.randomUUID();
    UUID firstDecision = Ids.newId();
    var first = observation(aContext().user(user).merchant(merchant).requestId(requestId).build(), firstDecision);
    assertNull(first.replayOf());
    assertEquals(1, number(first.features(), FeatureNames.COUNT_1M));

    var retry = observation(aContext().user(user).merchant(merchant).requestId(requestId).amount(999).build(), Ids.newId());
    assertEquals(firstDecision.toString(), retry.replayOf());
    assertNull(retry.degradedCause());
    assertEquals(0, number(retry.features(), FeatureNames.DEGRADED));
    assertEquals(999, number(retry.features(), FeatureNames.AMOUNT_MINOR), "the request's own features");
    assertFalse(retry.features().has(FeatureNames.COUNT_1M), "no feature was read or written");

    var next = observe(aContext().user(user).merchant(merchant).build());
    assertEquals(2, number(next, FeatureNames.COUNT_1M), "the retry was not counted");
    assertEquals(500, number(next, FeatureNames.SUM_1M));
    assertEquals(2, number(next, FeatureNames.MERCHANT_PAYMENTS_30D));
  }

  @Test
  void theSameRequestIdFromAnotherCallerIsNotAReplay() {
    String requestId = "req-" + UUID.randomUUID();
    observe(aContext().caller("payments-svc").requestId(requestId).build());
    observe(aContext().caller("admin-console").requestId(requestId).build());
    // "a:b" + "c" and "a" + "b:c" must not collide either.
    observe(aContext().caller("a:b").requestId("c-" + requestId).build());
    observe(aContext().caller("a").requestId("b:c-" + requestId).build());
  }

  @Test
  void everyKeyIsNamedRiskAndHasATtl() {
    UUID user = UUID.randomUUID();
    String merchant = "m-" + UUID.randomUUID();
    var ctx = aContext().user(user).merchant(merchant).location(PARIS).at(before(Duration.ofMinutes(1))).build();
    decide(ctx, Verdict.ALLOW, 10);
    decide(aContext().user(user).channel(Channel.TOP_UP).amount(95_000).build(), Verdict.ALLOW, 10);
    outcome(user, merchant, Outcome.DISPUTE_LOST, before(Duration.ofSeconds(1)));
    outcome(user, merchant, Outcome.REFUNDED, before(Duration.ofSeconds(1)));

    List<String> keys = new ArrayList<>(redis.key().keys("risk:{u:" + user + "}:*"));
    keys.addAll(redis.key().keys("risk:{m:" + merchant + "}:*"));
    keys.add(FeatureKeys.replay(ctx.caller(), ctx.requestId()));
    assertEquals(
        List.of("amt", "bud", "days", "dev", "ev", "fr", "ip", "loc", "mer", "nl", "req"),
        keys.stream().map(k -> k.startsWith("risk:req:") ? "req" : k.substring(k.lastIndexOf(':') + 1)).sorted().toList());
    for (String key : keys) {
      long ttlMs = redis.key().pttl(key);
      assertTrue(ttlMs > 0, key + " expires (pttl " + ttlMs + ")");
    }
  }

  @Test
  void aScriptRedisDoesNotKnowIsSentOnceInFullThenByDigest() {
    var probe = RedisScripts.Script.of("probe", "return {ARGV[1], KEYS[1]} -- " + UUID.randomUUID());
    assertEquals(0, redis.execute("SCRIPT", "EXISTS", probe.sha1()).get(0).toInteger(), "not loaded yet");
    var reply = scripts.run(probe, List.of("risk:probe"), List.of("hello"), Duration.ofSeconds(2)).await().atMost(WAIT);
    assertEquals("hello", reply.get(0).toString());
    assertEquals(1, redis.execute("SCRIPT", "EXISTS", probe.sha1()).get(0).toInteger(), "EVAL cached it");
    reply = scripts.run(probe, List.of("risk:probe"), List.of("again"), Duration.ofSeconds(2)).await().atMost(WAIT);
    assertEquals("again", reply.get(0).toString());
  }
}
