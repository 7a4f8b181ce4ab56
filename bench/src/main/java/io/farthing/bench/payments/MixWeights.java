package io.farthing.bench.payments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mixed workload's operations and how often each is sent: {@code charge=80,refund=5,...},
 * integer weights (a weight of 0 leaves an operation out). Call {@code seq}'s operation is drawn
 * from a hash of {@code seq}, so it is the same on every run and the mix is spread evenly through
 * the run instead of coming in blocks.
 */
record MixWeights(Map<MixWeights.Op, Integer> weights) {
  /** What the mixed workload does, with the name it has in reports and on the command line. */
  enum Op {
    /** Partner CreateCharge under consent (gRPC). */
    CHARGE("charge"),
    /** Partner RefundCharge of an earlier succeeded charge, in full (gRPC). */
    REFUND("refund"),
    /** A person's POST /v1/transfers to another bench user (REST). */
    TRANSFER("transfer"),
    /** A person's POST /v1/topups with the sandbox card (REST). */
    TOPUP("topup"),
    /** A person's GET /v1/wallets (REST). */
    WALLET("wallet"),
    /** Partner GetCharge of one of its earlier charges (gRPC). */
    GET_CHARGE("get-charge");

    final String label;

    Op(String label) {
      this.label = label;
    }

    static Op named(String name) {
      for (Op op : values()) {
        if (op.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
          return op;
        }
      }
      throw new IllegalArgumentException("no operation '" + name + "' (one of " + labels() + ")");
    }

    static List<String> labels() {
      List<String> names = new ArrayList<>();
      for (Op op : values()) {
        names.add(op.label);
      }
      return names;
    }
  }

  static final String DEFAULT = "charge=80,refund=5,transfer=5,topup=3,wallet=4,get-charge=3";

  MixWeights {
    weights = Collections.unmodifiableMap(new EnumMap<>(weights));
    int total = 0;
    for (Map.Entry<Op, Integer> e : weights.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("weight of " + e.getKey().label + " must be >= 0, was " + e.getValue());
      }
      total += e.getValue();
    }
    if (total <= 0) {
      throw new IllegalArgumentException("the mix needs at least one operation with a weight above 0");
    }
  }

  /** Reads {@code charge=80,refund=5,...}; operations not named get weight 0. */
  static MixWeights parse(String text) {
    Map<Op, Integer> weights = new EnumMap<>(Op.class);
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("a mix is op=weight,... (e.g. " + DEFAULT + "), not '" + part.trim() + "'");
      }
      Op op = Op.named(part.substring(0, eq));
      if (weights.containsKey(op)) {
        throw new IllegalArgumentException(op.label + " is named twice in the mix");
      }
      try {
        weights.put(op, Integer.parseInt(part.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight of " + op.label + " is not a whole number: '" + part.substring(eq + 1) + "'");
      }
    }
    return new MixWeights(weights);
  }

  int total() {
    return weights.values().stream().mapToInt(Integer::intValue).sum();
  }

  int weight(Op op) {
    return weights.getOrDefault(op, 0);
  }

  /** The operation of call {@code seq}: op k with probability weight(k) / total, fixed per seq. */
  Op pick(long seq) {
    long slot = Math.floorMod(mix(seq), (long) total());
    for (Op op : Op.values()) {
      slot -= weight(op);
      if (slot < 0) {
        return op;
      }
    }
    throw new IllegalStateException("unreachable: slot beyond the total weight");
  }

  /** The share of op in the mix, 0..1. */
  double share(Op op) {
    return weight(op) / (double) total();
  }

  /** SplitMix64's finaliser: neighbouring seqs give unrelated values. */
  static long mix(long seq) {
    long z = seq + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Op op : Op.values()) {
      if (weight(op) > 0) {
        out.append(out.isEmpty() ? "" : ",").append(op.label).append('=').append(weight(op));
      }
    }
    return out.toString();
  }
}
