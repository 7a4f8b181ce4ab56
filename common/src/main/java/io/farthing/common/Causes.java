package io.farthing.common;

import io.smallrye.mutiny.CompositeException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Looks through a failure for the one that tells what happened: its causes, its suppressed
 * failures and the parts of a Mutiny CompositeException, each once, at most 32 of them.
 */
public final class Causes {
  private static final int MAX_CAUSES = 32;

  private Causes() {}

  public static boolean anyMatch(Throwable failure, Predicate<Throwable> test) {
    Deque<Throwable> todo = new ArrayDeque<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    if (failure != null) {
      todo.add(failure);
    }
    while (!todo.isEmpty() && seen.size() < MAX_CAUSES) {
      Throwable t = todo.poll();
      if (!seen.add(t)) {
        continue;
      }
      if (test.test(t)) {
        return true;
      }
      if (t instanceof CompositeException composite) {
        todo.addAll(composite.getCauses());
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      Collections.addAll(todo, t.getSuppressed());
    }
    return false;
  }
}
