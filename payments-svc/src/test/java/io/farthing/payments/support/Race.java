package io.farthing.payments.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs calls at once (released together, one thread each) and returns each answer or failure, in order. */
public final class Race {
  private Race() {}

  public static List<Object> run(List<Callable<?>> calls) {
    ExecutorService threads = Executors.newFixedThreadPool(calls.size());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    try {
      for (Callable<?> call : calls) {
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  try {
                    return call.call();
                  } catch (Exception e) {
                    return e;
                  }
                }));
      }
      start.countDown();
      List<Object> answers = new ArrayList<>();
      for (Future<Object> future : futures) {
        answers.add(future.get());
      }
      return answers;
    } catch (Exception e) {
      throw new IllegalStateException("a raced call could not be waited for", e);
    } finally {
      threads.shutdownNow();
    }
  }
}
