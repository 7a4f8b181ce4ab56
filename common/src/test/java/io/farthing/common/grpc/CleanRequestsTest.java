package io.farthing.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.farthing.common.ApiException;
import io.farthing.common.Text;
import org.junit.jupiter.api.Test;

/** The request walk on protobuf's own message types (every service's are checked the same way). */
class CleanRequestsTest {
  static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  @Test
  void cleanMessagesPass() {
    Struct struct =
        Struct.newBuilder()
            .putFields("name", text("Café 🚀"))
            .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder().addValues(text("ok"))).build())
            .build();
    assertNull(CleanRequests.problemIn(struct));
    assertNull(CleanRequests.problemIn(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(999_999_999).build()));
    assertNull(CleanRequests.problemIn(Timestamp.getDefaultInstance()));
  }

  @Test
  void aNulInAnyStringAtAnyDepthIsInvalidCharacterNamingTheField() {
    ApiException inValue = CleanRequests.problemIn(Struct.newBuilder().putFields("name", text("a\u0000b")).build());
    assertEquals(Text.INVALID_CHARACTER, inValue.reason());
    assertTrue(inValue.getMessage().startsWith("fields[0].value.string_value contains U+0000"), inValue.getMessage());

    ApiException inKey = CleanRequests.problemIn(Struct.newBuilder().putFields("k\u0000", text("v")).build());
    assertEquals(Text.INVALID_CHARACTER, inKey.reason());
    assertTrue(inKey.getMessage().startsWith("fields[0].key"), inKey.getMessage());

    Struct deep =
        Struct.newBuilder()
            .putFields("list", Value.newBuilder()
                .setListValue(ListValue.newBuilder().addValues(text("fine")).addValues(text("\u0000"))).build())
            .build();
    ApiException inList = CleanRequests.problemIn(deep);
    assertTrue(inList.getMessage().startsWith("fields[0].value.list_value.values[1].string_value"), inList.getMessage());
  }

  @Test
  void timestampsOutsideTheTypesRangeAreInvalidTimestamp() {
    long[][] bad = {
      {CleanRequests.MAX_SECONDS + 1, 0}, {CleanRequests.MIN_SECONDS - 1, 0}, {Long.MAX_VALUE, 0}, {Long.MIN_VALUE, 0},
      {0, -1}, {0, 1_000_000_000}, {0, Integer.MAX_VALUE}, {0, Integer.MIN_VALUE}
    };
    for (long[] t : bad) {
      ApiException refused =
          CleanRequests.problemIn(Timestamp.newBuilder().setSeconds(t[0]).setNanos((int) t[1]).build());
      assertEquals(CleanRequests.INVALID_TIMESTAMP, refused == null ? null : refused.reason(), t[0] + "s " + t[1] + "ns");
    }
    assertNull(CleanRequests.problemIn(Timestamp.newBuilder().setSeconds(CleanRequests.MAX_SECONDS).setNanos(999_999_999).build()));
    assertNull(CleanRequests.problemIn(Timestamp.newBuilder().setSeconds(CleanRequests.MIN_SECONDS).build()));
  }
}
