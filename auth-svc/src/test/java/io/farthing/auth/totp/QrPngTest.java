package io.farthing.auth.totp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QrPngTest {
  private static final String URI =
      "otpauth://totp/Farthing:alice%2Btest@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
          + "&issuer=Farthing&algorithm=SHA1&digits=6&period=30";

  @Test
  void writesAValidPngThatDecodesBackToTheText() throws Exception {
    byte[] png = QrPng.render(URI);

    PngImage image = PngImage.read(png); // checks signature, chunk order and every CRC
    assertArrayEquals(MonochromePng.SIGNATURE, java.util.Arrays.copyOf(png, 8));
    assertEquals(image.width(), image.height());
    assertEquals(0, image.width() % QrPng.MODULE_PIXELS);
    // Version 1 is 21 modules; with the quiet zone on both sides the side is at least 29.
    assertTrue(image.width() / QrPng.MODULE_PIXELS >= 21 + 2 * QrPng.QUIET_ZONE_MODULES);
    assertEquals(URI, image.decodeQr());
  }

  @Test
  void keepsTheQuietZoneWhite() throws Exception {
    PngImage image = PngImage.read(QrPng.render("hello"));
    int border = QrPng.QUIET_ZONE_MODULES * QrPng.MODULE_PIXELS;
    for (int i = 0; i < image.width(); i++) {
      for (int b = 0; b < border; b++) {
        assertTrue(!image.isDark(i, b) && !image.isDark(b, i), "quiet zone pixel is dark");
      }
    }
  }

  @Test
  void encodesArbitraryPixelsExactly() throws Exception {
    // 10 pixels wide: rows span two bytes, so the padding bits are exercised too.
    byte[] png = MonochromePng.encode(10, 3, (x, y) -> (x + y) % 3 == 0);
    PngImage image = PngImage.read(png);
    assertEquals(10, image.width());
    assertEquals(3, image.height());
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals((x + y) % 3 == 0, image.isDark(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void refusesEmptyOrOversizedText() {
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(""));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render("x".repeat(5000)));
  }
}
