package io.farthing.bench.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.bench.payments.MixWeights.Op;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which operation each call of the mixed workload is. */
class MixWeightsTest {
  @Test
  void theDefaultMixIsEightyPercentCharges() {
    MixWeights mix = MixWeights.parse(MixWeights.DEFAULT);
    assertEquals(100, mix.total());
    assertEquals(0.80, mix.share(Op.CHARGE), 1e-9);
    assertEquals(5, mix.weight(Op.REFUND));
    assertEquals(4, mix.weight(Op.WALLET));
    assertEquals(MixWeights.DEFAULT, mix.toString());
  }

  @Test
  void picksEachOperationInProportionToItsWeight() {
    MixWeights mix = MixWeights.parse(MixWeights.DEFAULT);
    Map<Op, Integer> counts = new EnumMap<>(Op.class);
    int calls = 200_000;
    for (long seq = 0; seq < calls; seq++) {
      counts.merge(mix.pick(seq), 1, Integer::sum);
    }
    for (Op op : Op.values()) {
      double share = counts.getOrDefault(op, 0) / (double) calls;
      assertEquals(mix.share(op), share, 0.005, op + " share");
    }
  }

  @Test
  void theSameSeqIsAlwaysTheSameOperationAndBlocksAreMixed() {
    MixWeights mix = MixWeights.parse("charge=50,wallet=50");
    for (long seq = 0; seq < 1_000; seq++) {
      assertEquals(mix.pick(seq), mix.pick(seq));
    }
    // No long runs of one operation: in every 100 consecutive calls both appear.
    for (long start = 0; start < 10_000; start += 100) {
      int charges = 0;
      for (long seq = start; seq < start + 100; seq++) {
        charges += mix.pick(seq) == Op.CHARGE ? 1 : 0;
      }
      assertTrue(charges > 25 && charges < 75, "charges in [" + start + ", +100): " + charges);
    }
  }

  @Test
  void anOperationWithWeightZeroOrNotNamedIsNeverPicked() {
    MixWeights mix = MixWeights.parse("charge=9, refund=0 ,topup=1");
    for (long seq = 0; seq < 50_000; seq++) {
      Op op = mix.pick(seq);
      assertTrue(op == Op.CHARGE || op == Op.TOPUP, "picked " + op);
    }
    assertEquals("charge=9,topup=1", mix.toString());
  }

  @Test
  void refusesMixesItCannotDraw() {
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge=0"));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse(""));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge=-1,refund=5"));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge=80,payout=20"));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge=80,charge=20"));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge"));
    assertThrows(IllegalArgumentException.class, () -> MixWeights.parse("charge=lots"));
  }
}
