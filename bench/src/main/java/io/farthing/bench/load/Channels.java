package io.farthing.bench.load;

import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** Closing a target's gRPC connections: politely first, then at once after 5 s. */
public final class Channels {
  private Channels() {}

  public static void shutdown(ManagedChannel... channels) {
    for (ManagedChannel channel : channels) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channels) {
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
