package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.aContext;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.farthing.common.Ids;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A gRPC handler calls observe on its Vert.x context and must get the answer back on it. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class FeatureStoreThreadingTest extends AbstractFeatureStoreTest {

  @Test
  void theAnswerArrivesOnTheCallersVertxContextWithoutBlockingIt() throws Throwable {
    AtomicReference<Context> caller = new AtomicReference<>();
    AtomicReference<Context> answeredOn = new AtomicReference<>();
    AtomicReference<Boolean> blockingAllowed = new AtomicReference<>();
    var observation =
        VertxContextSupport.subscribeAndAwait(
            () -> {
              caller.set(Vertx.currentContext());
              return store
                  .observe(aContext().build(), Ids.newId(), BUDGET)
                  .invoke(
                      o -> {
                        answeredOn.set(Vertx.currentContext());
                        blockingAllowed.set(Context.isOnWorkerThread());
                      });
            });
    assertNull(observation.degradedCause());
    assertNotNull(caller.get());
    assertSame(caller.get(), answeredOn.get());
    assertFalse(blockingAllowed.get(), "an event-loop thread, as the caller's");
  }
}
