package io.farthing.bench.load;

/**
 * One API the load generator drives. {@link #call} starts call number {@code seq} and returns at
 * once: it must never wait for the answer (the open loop's schedule runs on the calling thread).
 * The answer is reported exactly once, on any thread, to {@code done}.
 */
public interface Target extends AutoCloseable {
  void call(long seq, Completion done);

  /** Anything the target wants in the report besides the latencies (e.g. the request mix). */
  default java.util.Map<String, Object> details() {
    return java.util.Map.of();
  }

  @Override
  default void close() {}

  interface Completion {
    /**
     * The call succeeded. {@code outcome} is what the answer said (a verdict, an HTTP status);
     * {@code flags} are counted separately (e.g. "degraded", "replayed").
     */
    void succeeded(String outcome, String... flags);

    /** The call failed; {@code code} is the gRPC status code or HTTP status. */
    void failed(String code);

    /** The same, with what the failure said (a few examples per code are kept for the report). */
    default void failed(String code, String detail) {
      failed(code);
    }

    /**
     * Names the kind of call this is (a mixed workload's "charge", "refund", ...), before its
     * answer is reported: the answer then also counts in that operation's own figures
     * ({@link Results#operation}).
     */
    default void operation(String name) {}
  }
}
