package io.farthing.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.DatabaseException;
import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void ordinaryTextEmojiAndOtherControlCharactersAreClean() {
    for (String text : new String[] {"", "Café au lait", "Grüße 🚀 🇫🇷", "tab\tnew\nline", "\u007f\u0001", "日本語", "\uD83D\uDE00"}) {
      assertTrue(Text.isClean(text), text);
      assertEquals(text, Text.requireClean("note", text));
    }
    assertTrue(Text.isClean(null));
    assertNull(Text.requireClean("note", null));
  }

  @Test
  void nulAnywhereIsRefusedWithTheFieldAndPosition() {
    assertEquals(0, Text.firstBadChar("\u0000"));
    assertEquals(3, Text.firstBadChar("abc\u0000def"));
    ApiException refused = assertThrows(ApiException.class, () -> Text.requireClean("description", "ab\u0000"));
    assertEquals(Text.INVALID_CHARACTER, refused.reason());
    assertEquals(ApiException.Kind.INVALID, refused.kind());
    assertTrue(refused.getMessage().startsWith("description contains U+0000 (NUL) at position 2"), refused.getMessage());
  }

  @Test
  void unpairedSurrogatesAreRefusedButPairsAreNot() {
    assertEquals(0, Text.firstBadChar("\uD800"), "a lone high surrogate");
    assertEquals(1, Text.firstBadChar("a\uDC00"), "a lone low surrogate");
    assertEquals(1, Text.firstBadChar("a\uD800b"), "a high surrogate followed by no low one");
    assertEquals(2, Text.firstBadChar("\uD83D\uDE00\uDE00"), "a pair, then a stray low surrogate");
    assertEquals(0, Text.firstBadChar("\uDE00\uD83D"), "the wrong order is two lone ones");
    assertFalse(Text.isClean("end\uD83D"));
    ApiException refused = assertThrows(ApiException.class, () -> Text.requireClean("name", "x\uD800"));
    assertTrue(refused.getMessage().contains("an unpaired UTF-16 surrogate at position 1"), refused.getMessage());
  }

  @Test
  void theRefusalNeverRepeatsTheText() {
    ApiException refused = assertThrows(ApiException.class, () -> Text.requireClean("memo", "secret\u0000value"));
    assertFalse(refused.getMessage().contains("secret"));
  }

  private static final class Sql extends DatabaseException {
    Sql(String state) {
      super("sql failure", 0, state);
    }
  }

  @Test
  void postgresRefusingACharacterIsRecognisedUnderWrappers() {
    assertTrue(Text.rejectedByDatabase(new Sql("22021")));
    assertTrue(Text.rejectedByDatabase(new RuntimeException("wrapped", new Sql("22P05"))));
    assertTrue(Text.rejectedByDatabase(
        new io.smallrye.mutiny.CompositeException(new IllegalStateException("first"), new Sql("22021"))));
    assertFalse(Text.rejectedByDatabase(new Sql("23505")));
    assertFalse(Text.rejectedByDatabase(new IllegalStateException("boom")));
  }
}
