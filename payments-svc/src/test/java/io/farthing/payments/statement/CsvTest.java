package io.farthing.payments.statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvTest {
  static String row(Object... fields) {
    StringBuilder out = new StringBuilder();
    Csv.row(out, Arrays.asList(fields));
    return out.toString();
  }

  @Test
  void quotesOnlyWhatRfc4180Needs() {
    assertEquals("a,1,,-5\r\n", row("a", 1, null, -5L));
    assertEquals("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\" padded \"\r\n", row("a,b", "say \"hi\"", "two\r\nlines", " padded "));
  }

  @Test
  void freeTextCannotBecomeAFormula() {
    assertEquals("'=1+1", Csv.text("=1+1"));
    assertEquals("'+1", Csv.text("+1"));
    assertEquals("'-1", Csv.text("-1"));
    assertEquals("'@SUM(A1)", Csv.text("@SUM(A1)"));
    assertEquals("Article", Csv.text("Article"));
    assertEquals("", Csv.text(""));
  }
}
