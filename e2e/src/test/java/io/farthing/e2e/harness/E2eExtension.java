package io.farthing.e2e.harness;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives a test class the running {@link Suite} (started on first use, stopped once every test of
 * the run is done), skips the class with the reason when a service jar is missing, and prints the
 * end of every service's log when a test fails.
 */
public final class E2eExtension implements BeforeAllCallback, TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(E2eExtension.class);

  /** Closed by JUnit when the root context ends: after the last test of the run. */
  private record Owned(Suite suite) implements AutoCloseable {
    @Override
    public void close() {
      suite.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Suite suite = Suite.get();
    Assumptions.assumeTrue(suite != null, Suite::skipReason);
    context.getRoot().getStore(NAMESPACE).computeIfAbsent(Owned.class, k -> new Owned(suite), Owned.class);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Suite suite = running();
    if (suite != null) {
      suite.printLogTails(context.getDisplayName() + " failed");
    }
  }

  public static Suite suite() {
    Suite suite = running();
    if (suite == null) {
      throw new IllegalStateException("no running suite: is the class annotated @ExtendWith(E2eExtension.class)?");
    }
    return suite;
  }

  private static Suite running() {
    return Optional.ofNullable(Suite.get()).orElse(null);
  }
}
